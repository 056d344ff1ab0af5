package io.hostwatch.service.zk;

import io.dropwizard.lifecycle.Managed;
import io.hostwatch.schema.ZkRetry;
import java.time.Duration;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * The service's Curator client, started and closed with the application. Every node it creates
 * gets the service's ACL ({@link ZkAcls#service()}), and parents are created PERSISTENT, never
 * CONTAINER: an emptied container would be removed by ZooKeeper and could then be re-created by
 * anyone, with any ACL.
 */
public final class CuratorLifecycle implements Managed {
    private final CuratorFramework client;

    public CuratorLifecycle(String connectString, Duration sessionTimeout, Duration connectionTimeout) {
        this(connectString, sessionTimeout, connectionTimeout, ZooKeeperTls.plainClientConfig(), ZkAcls.open());
    }

    public CuratorLifecycle(String connectString, Duration sessionTimeout, Duration connectionTimeout,
                            ZKClientConfig clientConfig, ZkAcls acls) {
        this.client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) connectionTimeout.toMillis())
                .retryPolicy(retryPolicy())
                .zkClientConfig(clientConfig)
                .aclProvider(acls.provider())
                .dontUseContainerParents()
                .build();
    }

    /** Capped as every hostwatch ZooKeeper client is ({@link ZkRetry}). */
    static RetryPolicy retryPolicy() {
        return new BoundedExponentialBackoffRetry(ZkRetry.BASE_SLEEP_MS, ZkRetry.MAX_SLEEP_MS, ZkRetry.MAX_RETRIES);
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
