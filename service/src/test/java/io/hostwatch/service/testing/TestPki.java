package io.hostwatch.service.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for tests, made at test time by the project's own {@code deploy/pki.sh} into a
 * temporary directory (no private key is ever committed). One CA per JVM; host certificates are
 * added on demand.
 */
public final class TestPki {
    public static final String PASSWORD = "test-only-" + Long.toHexString(System.nanoTime());
    /** Where test clients dial ZooKeeper: loopback, and the root end of the network-namespace labs (198.18.N.1). */
    public static final String SERVER_SAN = "IP:127.0.0.1,DNS:localhost,IP:198.18.0.1,IP:198.18.1.1,IP:198.18.2.1,"
            + "IP:198.18.3.1,IP:198.18.4.1,IP:198.18.5.1,IP:198.18.6.1,IP:198.18.7.1";
    private static TestPki instance;

    public final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** The JVM's PKI with a certificate for each of {@code hosts}. */
    public static synchronized TestPki get(String... hosts) {
        try {
            if (instance == null) {
                Path dir = Files.createTempDirectory("hostwatch-pki-");
                dir.toFile().deleteOnExit();
                instance = new TestPki(dir);
            }
            instance.run(hosts);
            return instance;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make test certificates: " + e, e);
        }
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public Path zookeeper() {
        return dir.resolve("zookeeper.p12");
    }

    public Path service() {
        return dir.resolve("service.p12");
    }

    public Path reader() {
        return dir.resolve("reader.p12");
    }

    public Path host(String name) {
        return dir.resolve("hosts").resolve(name + ".p12");
    }

    public Path passwordFile() {
        return dir.resolve("password");
    }

    private void run(String... hosts) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", script().toString(), "--password", PASSWORD,
                "--server-san", SERVER_SAN, dir.toString()));
        List<String> missing = new ArrayList<>();
        for (String h : hosts) {
            if (!Files.exists(host(h))) {
                missing.add(h);
            }
        }
        if (missing.isEmpty()) {
            if (Files.exists(truststore())) {
                return;
            }
            cmd.add("init");
        } else {
            cmd.add("host");
            cmd.addAll(missing);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("deploy/pki.sh did not finish within 5 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("deploy/pki.sh failed (" + p.exitValue() + "): " + out);
        }
    }

    /** deploy/pki.sh of this checkout, found from the module's working directory upwards. */
    public static Path script() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("deploy").resolve("pki.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("deploy/pki.sh not found above " + here);
    }
}
