package io.hostwatch.service.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key pairs and certificates made at test time with the JDK's {@code keytool} (nothing is
 * committed): a server certificate for 127.0.0.1 and client certificates, each in its own PKCS12
 * store, plus the trust stores each side needs.
 */
final class TestCertificates {
    static final String PASSWORD = "test-only";
    private final Path dir;

    TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Makes {@code name.p12} holding a fresh EC key and a self-signed certificate for {@code dname}. */
    Path keyPair(String name, String dname, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", dname, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (san != null) {
            args.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(args);
        return store;
    }

    /** A PKCS12 trust store named {@code name} with the certificates of the given key stores. */
    Path trustStore(String name, Path... keyStores) throws Exception {
        Path trust = dir.resolve(name + ".p12");
        for (Path ks : keyStores) {
            String alias = ks.getFileName().toString().replace(".p12", "");
            Path cert = dir.resolve(alias + ".crt");
            keytool(List.of("-exportcert", "-rfc", "-alias", alias, "-keystore", ks.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD, "-file", cert.toString()));
            keytool(List.of("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-keystore",
                    trust.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD));
        }
        return trust;
    }

    /** A client TLS context presenting {@code keyStore} (null: no certificate) and trusting {@code trust}. */
    static SSLContext client(Path keyStore, Path trust) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trust));
        KeyManagerFactory kmf = null;
        if (keyStore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore), PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path p) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void keytool(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("keytool did not finish: " + cmd);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (" + p.exitValue() + "): " + out);
        }
    }
}
