package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --os-cert}/{@code --os-key} as PEM files made by {@code openssl}: the key forms read, and
 * every unusable file a usage error (exit 2) that says what to do. The TLS handshake with a real
 * service is {@code CliMutualTlsIT}'s.
 */
@Timeout(60)
class ClientCertificateTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void keys() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ec.key", "-out", "ec.pem", "-subj", "/O=hostwatch-test/CN=ec", "-days", "2");
        openssl("ec", "-in", "ec.key", "-out", "ec-sec1.key");
        openssl("pkcs8", "-topk8", "-in", "ec.key", "-out", "ec-encrypted.key", "-passout", "pass:secret");
        openssl("genrsa", "-traditional", "-out", "rsa.key", "2048");
        openssl("req", "-x509", "-key", "rsa.key", "-out", "rsa.pem", "-subj", "/CN=rsa", "-days", "2");
        openssl("genpkey", "-algorithm", "ed25519", "-out", "ed.key");
        openssl("req", "-x509", "-key", "ed.key", "-out", "ed.pem", "-subj", "/CN=ed", "-days", "2");
    }

    @Test
    void readsPkcs8Pkcs1AndEd25519Keys() throws Exception {
        assertThat(ClientCertificate.read(file("ec.pem"), file("ec.key")).subject())
                .isEqualTo("CN=ec,O=hostwatch-test");
        assertThat(ClientCertificate.read(file("rsa.pem"), file("rsa.key")).keyManagers()).isNotEmpty();
        assertThat(ClientCertificate.read(file("ed.pem"), file("ed.key")).subject()).isEqualTo("CN=ed");
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, Files.readString(dir.resolve("rsa.key")) + Files.readString(dir.resolve("rsa.pem")));
        assertThat(ClientCertificate.read(combined.toString(), null).subject()).isEqualTo("CN=rsa");
    }

    @Test
    void unusableFilesAreUsageErrorsThatSayWhatToDo() {
        refused(file("ec.pem"), file("ec-encrypted.key"), "encrypted");
        refused(file("ec.pem"), file("ec-sec1.key"), "convert it to PKCS#8");
        refused(file("ec.pem"), file("rsa.key"), "does not belong to the certificate");
        refused(file("ec.pem"), null, "holds no private key: give it with --os-key");
        refused(file("ec.key"), null, "holds no PEM certificate");
        refused(file("ec.pem"), file("ec.pem"), "holds no PEM private key");
        refused(file("missing.pem"), null, "cannot read --os-cert");
    }

    @Test
    void aKeyWithoutACertificateIsRefused() {
        OsOptions os = new OsOptions();
        os.key = file("ec.key");
        assertThatThrownBy(os::sslContext).isInstanceOfSatisfying(CliException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(e.getMessage()).contains("--os-cert (OS_CERT) is not");
        });
    }

    private static void refused(String cert, String key, String message) {
        assertThatThrownBy(() -> ClientCertificate.read(cert, key)).as("%s %s", cert, key)
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
    }
}
