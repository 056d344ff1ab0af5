package io.hostwatch.service.health;

import com.codahale.metrics.health.HealthCheck;
import org.apache.curator.framework.CuratorFramework;

/** Healthy while this instance's ZooKeeper client is connected. */
public final class ZooKeeperHealthCheck extends HealthCheck {
    private final CuratorFramework client;

    public ZooKeeperHealthCheck(CuratorFramework client) {
        this.client = client;
    }

    @Override
    protected Result check() {
        String where = client.getZookeeperClient().getCurrentConnectionString();
        return client.getZookeeperClient().isConnected() ? Result.healthy("connected to " + where)
                : Result.unhealthy("not connected to ZooKeeper (" + where + ")");
    }
}
