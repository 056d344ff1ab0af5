package io.hostwatch.client.zk;

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
import java.util.Optional;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * A ZooKeeper client's TLS settings: its own key store (certificate and key: the identity
 * ZooKeeper's {@code X509AuthenticationProvider} sees, the certificate's subject DN) and the
 * trust store holding the CA that signed the servers' certificates. Stores are PKCS12 (or JKS,
 * told by the file name). {@code deploy/pki.sh} makes a development set.
 *
 * @param keyStore the client's key store; {@code null} for a client without an identity (only
 *        useful to show that the ensemble refuses it)
 * @param trustStore the trust store
 * @param password the password of both stores
 */
public record ZkTls(Path keyStore, Path trustStore, String password) {
    public ZkTls {
        if (trustStore == null) {
            throw new HostwatchException("ZooKeeper TLS needs a trust store");
        }
        if (password == null) {
            throw new HostwatchException("ZooKeeper TLS needs the stores' password");
        }
        keyStore = keyStore == null ? null : keyStore.toAbsolutePath().normalize();
        trustStore = trustStore.toAbsolutePath().normalize();
        for (Path p : keyStore == null ? new Path[] {trustStore} : new Path[] {keyStore, trustStore}) {
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new HostwatchException("ZooKeeper TLS store " + p + " is not a readable file");
            }
        }
    }

    /**
     * Settings whose password is read from a file (first line, trailing blanks dropped), so it
     * appears neither in a command line nor in a process listing.
     */
    public static ZkTls fromPasswordFile(Path keyStore, Path trustStore, Path passwordFile) {
        try {
            String pw = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("")
                    .strip();
            return new ZkTls(keyStore, trustStore, pw);
        } catch (IOException e) {
            throw new HostwatchException("cannot read the ZooKeeper TLS password file " + passwordFile + ": " + e, e);
        }
    }

    /** A client configuration that speaks TLS with this identity; nothing is read from or set in system properties. */
    public ZKClientConfig clientConfig() {
        ZKClientConfig config = plainClientConfig();
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty("zookeeper.ssl.keyStore.location", keyStore == null ? "" : keyStore.toString());
        config.setProperty("zookeeper.ssl.keyStore.password", keyStore == null ? "" : password);
        config.setProperty("zookeeper.ssl.keyStore.type", keyStore == null ? "" : type(keyStore));
        config.setProperty("zookeeper.ssl.trustStore.location", trustStore.toString());
        config.setProperty("zookeeper.ssl.trustStore.password", password);
        config.setProperty("zookeeper.ssl.trustStore.type", type(trustStore));
        return config;
    }

    /**
     * A plain-text client configuration that ignores any TLS system properties of this JVM (an
     * embedded server's settings must not turn a test's plain client into a TLS one).
     */
    public static ZKClientConfig plainClientConfig() {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNIO");
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "false");
        return config;
    }

    /** The configuration for {@code tls}, or a plain one when it is empty. */
    public static ZKClientConfig clientConfig(Optional<ZkTls> tls) {
        return tls.map(ZkTls::clientConfig).orElseGet(ZkTls::plainClientConfig);
    }

    /**
     * The identity this key store gives its client in ZooKeeper ACLs: the subject DN of its first
     * key entry's certificate in RFC 2253 form, e.g. {@code CN=compute-1,OU=hosts,O=hostwatch},
     * as ZooKeeper's {@code X509AuthenticationProvider} names it.
     */
    public Optional<String> subject() {
        if (keyStore == null) {
            return Optional.empty();
        }
        return Optional.of(subject(keyStore, password));
    }

    /** The subject DN of the first key entry of {@code store}. */
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

    private static String type(Path store) {
        return store.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
    }

    @Override
    public String toString() {
        return "ZkTls[keyStore=" + keyStore + " trustStore=" + trustStore + "]";
    }
}
