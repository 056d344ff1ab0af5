package io.hostwatch.service.testing;

import io.hostwatch.service.zk.ZooKeeperTls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A PKCS12 key store with one EC key, made with the JDK's keytool at test time (no key is committed). */
public final class TestKeyStores {
    public static final String PASSWORD = "secret123";

    private TestKeyStores() {
    }

    /** A key store {@code dir/name.p12} (also used as the trust store) with a key for {@code CN=name}. */
    public static ZooKeeperTls keyStore(Path dir, String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", name, "-dname", "CN=" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(out));
        }
        return new ZooKeeperTls(store, store, PASSWORD);
    }
}
