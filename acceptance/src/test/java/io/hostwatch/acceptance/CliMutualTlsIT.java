package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.ChildJvm;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin CLI ({@code java -jar hostwatch.jar}, a child process) against a real service process
 * with {@code auth.type: mtls}: PEM client certificates from {@code OS_CERT}/{@code OS_KEY} or
 * {@code --os-cert}/{@code --os-key} (an EC key in PKCS#8, an RSA key in PKCS#1, a key inside the
 * certificate file), the service's CA from {@code OS_CACERT}; the operator's certificate may change
 * things and is recorded, the reader's only read (exit 4 otherwise), no certificate is exit 4, and
 * a key that is not the certificate's is a usage error before anything is sent. Certificates are
 * made with {@code openssl} at test time.
 */
@Timeout(240)
class CliMutualTlsIT {
    private static final String PASSWORD = "test-only";

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @Test
    void theCliPresentsAClientCertificateFromPemFiles() throws Exception {
        Path ca = pki();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path config = Files.writeString(dir.resolve("service.yml"), """
                server:
                  applicationConnectors:
                    - type: https
                      keyStorePath: "%s"
                      keyStorePassword: %s
                      keyStoreType: PKCS12
                      trustStorePath: "%s"
                      trustStorePassword: %s
                      trustStoreType: PKCS12
                      needClientAuth: true
                  adminConnectors: [{type: http}]
                auth:
                  type: mtls
                  mtls:
                    readers: ["CN=hw-reader,O=hostwatch-test"]
                    operators: ["CN=hw-operator,O=hostwatch-test"]
                """.formatted(dir.resolve("server.p12"), PASSWORD, dir.resolve("clients-trust.p12"), PASSWORD));
        try (TestingServer zk = ZooKeeperServers.start();
             ServiceProcess service = ServiceProcess.startIn(List.of(), "mtls-service", config, zk.getConnectString(),
                     storage, "4s", Map.of())) {
            String url = "https://127.0.0.1:" + URI.create(service.url()).getPort();
            HttpClient plain = HttpClient.newHttpClient();
            await("service up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                try {
                    return plain.send(HttpRequest.newBuilder(URI.create(service.adminUrl() + "/ping")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            Map<String, String> operatorEnv = Map.of("OS_CACERT", ca.toString(),
                    "OS_CERT", dir.resolve("operator.pem").toString(), "OS_KEY", dir.resolve("operator.key").toString());

            Run enrolled = hostwatch(operatorEnv, "enroll", "compute", "h1", "--url", url);
            assertThat(enrolled.exit()).as(enrolled.err()).isZero();
            assertThat(enrolled.out()).contains("compute/h1: enrolled", "by cert:CN=hw-operator,O=hostwatch-test (req-");

            // the reader's RSA (PKCS#1) key, given as options; the key inside the certificate file works too
            List<String> asReader = List.of("--os-cacert", ca.toString(), "--os-cert",
                    dir.resolve("reader.pem").toString(), "--os-key", dir.resolve("reader.key").toString(),
                    "--url", url);
            Run read = hostwatch(Map.of(), args(List.of("detector"), asReader));
            assertThat(read.exit()).as(read.err()).isZero();
            Run combined = hostwatch(Map.of("OS_CACERT", ca.toString(), "OS_CERT",
                    dir.resolve("reader-combined.pem").toString()), "detector", "--url", url);
            assertThat(combined.exit()).as(combined.err()).isZero();
            Run refused = hostwatch(Map.of(), args(List.of("enroll", "compute", "h2"), asReader));
            assertThat(refused.exit()).isEqualTo(4);
            assertThat(refused.err()).contains("not allowed");

            Run none = hostwatch(Map.of("OS_CACERT", ca.toString()), "detector", "--url", url);
            assertThat(none.exit()).as(none.err()).isEqualTo(4);
            assertThat(none.err()).contains("client certificate");

            Run mismatched = hostwatch(Map.of("OS_CACERT", ca.toString(), "OS_CERT",
                    dir.resolve("operator.pem").toString(), "OS_KEY", dir.resolve("reader.key").toString()),
                    "enroll", "compute", "h3", "--url", url);
            assertThat(mismatched.exit()).isEqualTo(2);
            assertThat(mismatched.err()).contains("does not belong to the certificate");

            Run h2 = hostwatch(operatorEnv, "enroll", "compute", "h2", "--url", url);
            assertThat(h2.out()).as("only the operator enrolled h2, and h3 was never asked for").contains(
                    "compute/h2: enrolled");
            Run h3 = hostwatch(operatorEnv, "enroll", "compute", "h3", "--url", url);
            assertThat(h3.out()).contains("compute/h3: enrolled");
        }
    }

    private static List<String> args(List<String> verb, List<String> options) {
        List<String> all = new ArrayList<>(verb);
        all.addAll(options);
        return all;
    }

    /** A CA, the service's certificate (for 127.0.0.1) and two client certificates, as PEM files. */
    private Path pki() throws Exception {
        Path leaf = Files.writeString(dir.resolve("leaf.ext"), "basicConstraints=CA:FALSE\n");
        Path server = Files.writeString(dir.resolve("server.ext"),
                "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/O=hostwatch-test/CN=test CA", "-days", "2");
        signed("server", "/CN=localhost", List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"), server);
        signed("operator", "/O=hostwatch-test/CN=hw-operator",
                List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"), leaf);
        openssl("genrsa", "-traditional", "-out", "reader.key", "2048");
        signed("reader", "/O=hostwatch-test/CN=hw-reader", List.of("-key", "reader.key"), leaf);
        assertThat(Files.readString(dir.resolve("reader.key"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(dir.resolve("operator.key"))).contains("BEGIN PRIVATE KEY");
        Files.writeString(dir.resolve("reader-combined.pem"), Files.readString(dir.resolve("reader.pem"))
                + Files.readString(dir.resolve("reader.key")));
        openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-name", "server",
                "-out", "server.p12", "-passout", "pass:" + PASSWORD);
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-importcert",
                "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "clients-trust.p12", "-storetype",
                "PKCS12", "-storepass", PASSWORD));
        return dir.resolve("ca.pem");
    }

    private void signed(String name, String subject, List<String> key, Path ext) throws Exception {
        List<String> req = new ArrayList<>(List.of("req", "-new", "-nodes"));
        req.addAll(key);
        if (key.contains("-newkey")) {
            req.addAll(List.of("-keyout", name + ".key"));
        }
        req.addAll(List.of("-out", name + ".csr", "-subj", subject));
        openssl(req.toArray(new String[0]));
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", ext.toString());
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
    }

    private Run hostwatch(Map<String, String> env, String... args) throws Exception {
        return hostwatch(env, List.of(args));
    }

    /** {@code hostwatch ARGS} in a clean environment (no OS_* or HOSTWATCH_* of the caller) plus {@code env}. */
    private Run hostwatch(Map<String, String> env, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", ChildJvm.jar("hostwatch.clientJar").toString()));
        cmd.addAll(args);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("HOSTWATCH_"));
        pb.environment().putAll(new HashMap<>(env));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("hostwatch " + String.join(" ", args) + " did not finish within 60 s");
        }
        Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        System.out.printf("$ hostwatch %s%n%s%s[exit %d]%n", String.join(" ", args), run.out(), run.err(), run.exit());
        return run;
    }
}
