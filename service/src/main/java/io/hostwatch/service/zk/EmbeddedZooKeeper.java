package io.hostwatch.service.zk;

import io.dropwizard.lifecycle.Managed;
import io.hostwatch.schema.HostwatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node ZooKeeper inside the service process, for runs without an ensemble. Listens
 * on {@code port} on all interfaces (like a stock ZooKeeper) unless an address is set; its
 * AdminServer is disabled (it would bring Jetty 9 next to Dropwizard's Jetty 12).
 */
public final class EmbeddedZooKeeper implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    private final Path dataDir;
    private final String address;
    private final int port;
    private final int tickTimeMillis;
    private ZooKeeperServerEmbedded server;

    public EmbeddedZooKeeper(Path dataDir, String address, int port, int tickTimeMillis) {
        this.dataDir = dataDir.toAbsolutePath();
        this.address = address;
        this.port = port;
        this.tickTimeMillis = tickTimeMillis;
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
        props.setProperty("clientPort", Integer.toString(port));
        if (address != null && !address.isBlank()) {
            props.setProperty("clientPortAddress", address);
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
            throw new HostwatchException("embedded ZooKeeper could not start on port " + port + " (data in "
                    + dataDir + "): " + e.getMessage(), e);
        }
        LOG.info("embedded ZooKeeper listening on {}:{} (data in {})",
                address == null ? "*" : address, port, dataDir);
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
