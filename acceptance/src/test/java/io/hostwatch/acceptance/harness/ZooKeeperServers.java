package io.hostwatch.acceptance.harness;

import io.hostwatch.service.testing.FreePorts;
import java.io.File;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Real ZooKeeper servers for tests, on ports from {@link FreePorts}, with a short tick so that
 * short session timeouts are honoured; protected (TLS, x509, enforced authentication) unless
 * {@link Protection} is off.
 */
public final class ZooKeeperServers {
    /** Tick of test servers: sessions of 1 s to 10 s are allowed. */
    public static final int TICK_MILLIS = 500;

    private ZooKeeperServers() {
    }

    public static TestingServer start() throws Exception {
        Protection.secureServers();
        System.setProperty("zookeeper.admin.enableServer", "false");
        InstanceSpec spec = new InstanceSpec(null, FreePorts.next(), FreePorts.next(), FreePorts.next(), true, -1,
                TICK_MILLIS, -1);
        return new TestingServer(spec, true);
    }

    public static TestingServer start(File dataDir, int port) throws Exception {
        Protection.secureServers();
        System.setProperty("zookeeper.admin.enableServer", "false");
        InstanceSpec spec = new InstanceSpec(dataDir, port, FreePorts.next(), FreePorts.next(), true, -1,
                TICK_MILLIS, -1);
        return new TestingServer(spec, true);
    }
}
