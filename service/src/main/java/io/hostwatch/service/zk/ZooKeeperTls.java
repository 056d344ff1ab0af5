package io.hostwatch.service.zk;

import io.hostwatch.schema.HostwatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Locale;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * The service's ZooKeeper TLS settings: its key store (whose certificate's subject is the service
 * identity in every ACL) and the trust store of the CA. Each client gets its own
 * {@link ZKClientConfig}; nothing is set in system properties.
 *
 * @param keyStore the service's key store
 * @param trustStore the CA's trust store
 * @param password the stores' password
 */
public record ZooKeeperTls(Path keyStore, Path trustStore, String password) {
    public ZooKeeperTls {
        for (Path p : new Path[] {keyStore, trustStore}) {
            if (p == null || !Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new HostwatchException("ZooKeeper TLS store " + p + " is not a readable file");
            }
        }
        keyStore = keyStore.toAbsolutePath().normalize();
        trustStore = trustStore.toAbsolutePath().normalize();
    }

    /** Reads the password from the first line of {@code passwordFile}. */
    public static ZooKeeperTls of(String keyStore, String trustStore, String passwordFile) {
        return new ZooKeeperTls(Path.of(keyStore), Path.of(trustStore), readPassword(Path.of(passwordFile)));
    }

    public static String readPassword(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new HostwatchException("cannot read the ZooKeeper TLS password file " + file + ": " + e, e);
        }
    }

    /** A client configuration speaking TLS with the service identity. */
    public ZKClientConfig clientConfig() {
        ZKClientConfig config = plainClientConfig();
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty("zookeeper.ssl.keyStore.location", keyStore.toString());
        config.setProperty("zookeeper.ssl.keyStore.password", password);
        config.setProperty("zookeeper.ssl.keyStore.type", type(keyStore));
        config.setProperty("zookeeper.ssl.trustStore.location", trustStore.toString());
        config.setProperty("zookeeper.ssl.trustStore.password", password);
        config.setProperty("zookeeper.ssl.trustStore.type", type(trustStore));
        return config;
    }

    /** A plain-text configuration that ignores TLS system properties an embedded server set in this JVM. */
    public static ZKClientConfig plainClientConfig() {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNIO");
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "false");
        return config;
    }

    /** The service identity: the subject DN of the key store's certificate, as ZooKeeper's x509 scheme names it. */
    public String subject() {
        return subject(keyStore, password);
    }

    /** The subject DN (RFC 2253) of the first key entry of {@code store}. */
    public static String subject(Path store, String password) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance(type(store));
            ks.load(in, password.toCharArray());
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate cert) {
                    return cert.getSubjectX500Principal().getName();
                }
            }
            throw new HostwatchException("key store " + store + " holds no key with an X.509 certificate");
        } catch (IOException | GeneralSecurityException e) {
            throw new HostwatchException("cannot read key store " + store + ": " + e.getMessage(), e);
        }
    }

    static String type(Path store) {
        return store.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    @Override
    public String toString() {
        return "ZooKeeperTls[keyStore=" + keyStore + " trustStore=" + trustStore + "]";
    }
}
