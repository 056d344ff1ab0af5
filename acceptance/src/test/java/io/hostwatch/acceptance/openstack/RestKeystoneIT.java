package io.hostwatch.acceptance.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostwatch.acceptance.harness.AgentProcess;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with {@code auth.type: keystone} against the test bed's real Keystone: every REST
 * endpoint with no token, a token of a user without a role, a reader's and an operator's token; a
 * revoked token refused within the (here 5 s) cache time; the CLI with {@code OS_*} variables; the
 * admin port's tasks behind the operator role, without {@code /pprof}.
 */
@Timeout(900)
class RestKeystoneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SESSION = "3s";

    @TempDir
    static Path dir;
    static OpenStackTestbed.Facts bed;
    static TestingServer zk;
    static ServiceProcess service;
    static AgentProcess agent;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        bed = OpenStackTestbed.ensureKeystone();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path password = Files.writeString(dir.resolve("keystone-password"), bed.servicePassword());
        Path config = Files.writeString(dir.resolve("hostwatch.yml"), """
                server:
                  applicationConnectors: [{type: http}]
                  adminConnectors: [{type: http}]
                auth:
                  type: keystone
                  tokenCacheTime: 5s
                keystone:
                  authUrl: "%s"
                  username: %s
                  password: {file: "%s"}
                  projectName: %s
                  region: %s
                """.formatted(bed.authUrl(), bed.serviceUser(), password, bed.project(), bed.region()));
        zk = ZooKeeperServers.start();
        service = ServiceProcess.startIn(List.of(), "service", config, zk.getConnectString(), storage, SESSION,
                Map.of());
        String operator = token("hw-operator", true);
        await("leader").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> get("/v1/detector", operator).body().contains("\"leader\":true"));
        agent = AgentProcess.start(zk.getConnectString(), "compute", "ks1", "127.0.0.1", storage, SESSION);
        await("member RUNNING").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> get("/v1/groups/compute/members/ks1", operator).body().contains("\"RUNNING\""));
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (service != null) {
            service.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void readsNeedAReaderRoleAndChangesTheOperatorRole() throws Exception {
        String reader = token("hw-reader", true);
        String operator = token("hw-operator", true);
        String norole = token("hw-norole", false); // no role on the project: only an unscoped token
        String[] reads = {"/v1/groups", "/v1/groups/compute/members", "/v1/groups/compute/members/ks1",
            "/v1/groups/compute/members/ks1/history", "/v1/detector", "/v1/groups/compute/brake",
            "/v1/groups/compute/members/ks1/maintenance"};
        for (String path : reads) {
            HttpResponse<String> anonymous = get(path, null);
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path)
                    .contains("Keystone uri=\"" + bed.authUrl() + "\"");
            assertThat(get(path, "gAAAAAforged-token").statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, norole).statusCode()).as(path).isEqualTo(403);
            assertThat(get(path, reader).statusCode()).as(path).isIn(200, 404);
            assertThat(get(path, operator).statusCode()).as(path).isIn(200, 404);
        }

        String maintenance = "/v1/groups/compute/members/ks1/maintenance";
        String body = "{\"reason\":\"firmware\",\"for\":\"1h\"}";
        send("DELETE", maintenance, operator, null); // whatever another test left
        assertThat(send("PUT", maintenance, null, body).statusCode()).isEqualTo(401);
        assertThat(send("PUT", maintenance, norole, body).statusCode()).isEqualTo(403);
        assertThat(send("PUT", maintenance, reader, body).statusCode()).isEqualTo(403);
        assertThat(get(maintenance, reader).statusCode()).as("nothing changed").isEqualTo(404);
        HttpResponse<String> on = send("PUT", maintenance, operator, body);
        assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
        assertThat(JSON.readTree(on.body()).path("setBy").asText()).isEqualTo("hw-operator@" + bed.project());
        assertThat(send("DELETE", maintenance, reader, null).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", maintenance, operator, null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", "/v1/groups/compute/brake", null, null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/v1/groups/compute/brake", reader, null).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/v1/groups/compute/brake", operator, null).statusCode())
                .as("allowed, but no brake is engaged").isIn(404, 409);

        // Admin port: tasks need the operator role, /pprof is gone, /ping needs nothing.
        String logLevel = service.adminUrl() + "/tasks/log-level?logger=io.hostwatch&level=INFO";
        assertThat(admin("POST", logLevel, null)).isEqualTo(401);
        assertThat(admin("POST", logLevel, reader)).isEqualTo(403);
        assertThat(admin("POST", logLevel, operator)).isEqualTo(200);
        assertThat(admin("GET", service.adminUrl() + "/pprof", operator)).isEqualTo(404);
        assertThat(admin("GET", service.adminUrl() + "/ping", null)).isEqualTo(200);
    }

    @Test
    void aRevokedTokenIsRefusedWithinTheCacheTime() throws Exception {
        String reader = token("hw-reader", true);
        assertThat(get("/v1/groups", reader).statusCode()).isEqualTo(200);
        HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(URI.create(bed.authUrl() + "/auth/tokens"))
                .header("X-Auth-Token", reader).header("X-Subject-Token", reader).timeout(Duration.ofSeconds(30))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(204);
        long t0 = System.nanoTime();
        await("revocation seen").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/v1/groups", reader).statusCode() == 401);
        System.out.printf("revocation seen after %d ms (tokenCacheTime 5 s)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Test
    void theCliTakesOpenStackCredentialsFromTheEnvironment() throws Exception {
        Map<String, String> os = new HashMap<>(Map.of("OS_AUTH_URL", bed.authUrl(), "OS_PROJECT_NAME", bed.project(),
                "OS_USER_DOMAIN_NAME", "Default", "OS_PROJECT_DOMAIN_NAME", "Default"));
        os.put("OS_USERNAME", "hw-operator");
        os.put("OS_PASSWORD", bed.passwordOf("hw-operator"));
        Run on = cli(os, "maintenance", "compute", "ks1", "on", "--reason", "cli test", "--for", "10m");
        assertThat(on.exit()).as(on.err()).isZero();
        assertThat(on.out()).contains("set by hw-operator@" + bed.project());
        assertThat(cli(os, "maintenance", "compute", "ks1", "off").exit()).isZero();

        os.put("OS_USERNAME", "hw-reader");
        os.put("OS_PASSWORD", bed.passwordOf("hw-reader"));
        assertThat(cli(os, "members").exit()).isZero();
        Run refused = cli(os, "maintenance", "compute", "ks1", "on");
        assertThat(refused.exit()).isEqualTo(4);
        assertThat(refused.err()).contains("not allowed");

        os.put("OS_PASSWORD", "wrong");
        assertThat(cli(os, "members").exit()).isEqualTo(4);
        assertThat(cli(Map.of(), "members").exit()).as("no credentials").isEqualTo(4);

        Map<String, String> appCred = Map.of("OS_AUTH_URL", bed.authUrl(),
                "OS_APPLICATION_CREDENTIAL_ID", bed.appCredentialId(),
                "OS_APPLICATION_CREDENTIAL_SECRET", bed.appCredentialSecret());
        Run detector = cli(appCred, "detector");
        assertThat(detector.exit()).as(detector.err()).isZero();
    }

    /** A token from the bed's Keystone: project-scoped, or unscoped. */
    private static String token(String user, boolean scoped) throws IOException, InterruptedException {
        String scope = scoped ? ",\"scope\":{\"project\":{\"name\":\"%s\",\"domain\":{\"name\":\"Default\"}}}"
                .formatted(bed.project()) : "";
        String body = """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":"Default"},\
                "password":"%s"}}}%s}}""".formatted(user, bed.passwordOf(user), scope);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(bed.authUrl() + "/auth/tokens"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(user + ": " + r.body()).isEqualTo(201);
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static int admin(String method, String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    private static HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code hostwatch ARGS --url SERVICE} with {@code env} on a clean environment (no OS_* of its own). */
    private static Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                ChildJvm.jar("hostwatch.clientJar").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--url", service.url()));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("HOSTWATCH_"));
        pb.environment().putAll(env);
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
