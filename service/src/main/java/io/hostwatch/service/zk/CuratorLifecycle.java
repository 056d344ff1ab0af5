package io.hostwatch.service.zk;

import io.dropwizard.lifecycle.Managed;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** The service's Curator client, started and closed with the application. */
public final class CuratorLifecycle implements Managed {
    private final CuratorFramework client;

    public CuratorLifecycle(String connectString, Duration sessionTimeout, Duration connectionTimeout) {
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) connectionTimeout.toMillis())
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 2_000))
                .build();
    }

    public CuratorFramework client() {
        return client;
    }

    @Override
    public void start() {
        client.start();
    }

    @Override
    public void stop() {
        client.close();
    }
}
