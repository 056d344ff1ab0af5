package io.hostwatch.service.zk;

import io.dropwizard.lifecycle.Managed;
import io.hostwatch.schema.HostwatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.apache.zookeeper.server.auth.X509AuthenticationProvider;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node ZooKeeper inside the service process, for runs without an ensemble. Listens
 * on {@code port} at {@code address} (all interfaces when none is set); its AdminServer is
 * disabled (it would bring Jetty 9 next to Dropwizard's Jetty 12).
 *
 * <p>With {@link #tls} it is a protected ensemble of one: {@code port} is its TLS port
 * ({@code secureClientPort}, there is no plain-text port), every client must present a
 * certificate of the CA ({@code ssl.clientAuth=need}), its subject becomes the client's
 * {@code x509} identity, and a session without it is refused ({@code enforce.auth.enabled},
 * {@code enforce.auth.schemes=x509}). ZooKeeper reads these settings from system properties, so
 * they hold for the whole JVM while the server runs; {@link #stop()} restores the previous values.
 */
public final class EmbeddedZooKeeper implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    private final Path dataDir;
    private final String address;
    private final int port;
    private final int tickTimeMillis;
    private ZooKeeperServerEmbedded server;
    private Path keyStore;
    private Path trustStore;
    private String password;
    private final Map<String, String> savedProperties = new HashMap<>();

    public EmbeddedZooKeeper(Path dataDir, String address, int port, int tickTimeMillis) {
        this.dataDir = dataDir.toAbsolutePath();
        this.address = address;
        this.port = port;
        this.tickTimeMillis = tickTimeMillis;
    }

    /**
     * Serve TLS only, with client certificates required and x509 authentication enforced.
     *
     * @param serverKeyStore the server's key store; its certificate's SANs must name the address clients dial
     * @param caTrustStore the CA whose certificates clients must present
     */
    public EmbeddedZooKeeper tls(Path serverKeyStore, Path caTrustStore, String storePassword) {
        this.keyStore = serverKeyStore.toAbsolutePath();
        this.trustStore = caTrustStore.toAbsolutePath();
        this.password = storePassword;
        return this;
    }

    public boolean isTls() {
        return keyStore != null;
    }

    /** The connect string clients in this process use. */
    public String connectString() {
        String host = address == null || address.isBlank() || "0.0.0.0".equals(address) ? "127.0.0.1" : address;
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public synchronized void start() throws Exception {
        if (server != null) {
            return;
        }
        System.setProperty("zookeeper.admin.enableServer", "false");
        Files.createDirectories(dataDir);
        Properties props = new Properties();
        props.setProperty("dataDir", dataDir.resolve("data").toString());
        if (isTls()) {
            props.setProperty("secureClientPort", Integer.toString(port));
            if (address != null && !address.isBlank()) {
                props.setProperty("secureClientPortAddress", address);
            }
            secureProperties();
        } else {
            props.setProperty("clientPort", Integer.toString(port));
            if (address != null && !address.isBlank()) {
                props.setProperty("clientPortAddress", address);
            }
        }
        props.setProperty("tickTime", Integer.toString(tickTimeMillis));
        props.setProperty("minSessionTimeout", Integer.toString(2 * tickTimeMillis));
        props.setProperty("maxSessionTimeout", "60000");
        props.setProperty("admin.enableServer", "false");
        props.setProperty("4lw.commands.whitelist", "ruok,stat,mntr,srvr");
        props.setProperty("autopurge.snapRetainCount", "3");
        props.setProperty("autopurge.purgeInterval", "1");
        try {
            server = ZooKeeperServerEmbedded.builder().baseDir(dataDir).configuration(props)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
            server.start(30_000);
        } catch (Exception e) {
            server = null;
            restoreProperties();
            throw new HostwatchException("embedded ZooKeeper could not start on port " + port + " (data in "
                    + dataDir + "): " + e.getMessage(), e);
        }
        LOG.info("embedded ZooKeeper listening on {}:{}{} (data in {})",
                address == null ? "*" : address, port, isTls() ? " (TLS, x509 client certificates required)"
                        : " (plain text, no authentication)", dataDir);
    }

    private void secureProperties() {
        set("zookeeper.serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        set("zookeeper.ssl.keyStore.location", keyStore.toString());
        set("zookeeper.ssl.keyStore.password", password);
        set("zookeeper.ssl.keyStore.type", ZooKeeperTls.type(keyStore));
        set("zookeeper.ssl.trustStore.location", trustStore.toString());
        set("zookeeper.ssl.trustStore.password", password);
        set("zookeeper.ssl.trustStore.type", ZooKeeperTls.type(trustStore));
        set("zookeeper.ssl.clientAuth", "need");
        // Clients are known by their certificate, not by the address they come from.
        set("zookeeper.ssl.clientHostnameVerification", "false");
        set("zookeeper.authProvider.x509", X509AuthenticationProvider.class.getName());
        set("zookeeper.enforce.auth.enabled", "true");
        set("zookeeper.enforce.auth.schemes", "x509");
        // The registry builds its providers once per JVM; the x509 one must see the stores above.
        ProviderRegistry.reset();
    }

    private void set(String key, String value) {
        savedProperties.putIfAbsent(key, System.getProperty(key));
        System.setProperty(key, value);
    }

    private void restoreProperties() {
        if (savedProperties.isEmpty()) {
            return;
        }
        savedProperties.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        savedProperties.clear();
        ProviderRegistry.reset();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
            restoreProperties();
        }
    }
}
