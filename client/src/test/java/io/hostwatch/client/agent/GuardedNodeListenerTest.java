package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.framework.recipes.nodes.PersistentNodeListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A heartbeat node whose listener misbehaves is still created again after it is deleted. Without
 * the guard, a listener that throws {@link InterruptedException} (or restores the interrupt flag)
 * leaves ZooKeeper's event thread interrupted; it ends, no watch fires any more, and the deleted
 * node stays gone.
 */
@Timeout(60)
class GuardedNodeListenerTest {
    private static final String PATH = "/hostwatch/members/compute/h1";

    @Test
    void aListenerThrowingInterruptedExceptionDoesNotStopReCreation() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertReCreatedDespite(path -> {
            calls.incrementAndGet();
            throw new InterruptedException("listener interrupted");
        });
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aListenerRestoringTheInterruptFlagDoesNotStopReCreation() throws Exception {
        assertReCreatedDespite(path -> Thread.currentThread().interrupt());
    }

    @Test
    void aListenerThrowingAnErrorDoesNotStopReCreation() throws Exception {
        assertReCreatedDespite(path -> {
            throw new AssertionError("listener bug");
        });
    }

    private static void assertReCreatedDespite(PersistentNodeListener listener) throws Exception {
        try (TestingServer server = new TestingServer(true);
             CuratorFramework owner = client(server);
             CuratorFramework other = client(server);
             PersistentNode node = new PersistentNode(owner, CreateMode.EPHEMERAL, false, PATH, new byte[] {1})) {
            node.getListenable().addListener(GuardedNodeListener.guard(listener));
            node.start();
            assertThat(node.waitForInitialCreate(30, TimeUnit.SECONDS)).isTrue();

            for (int i = 0; i < 3; i++) {
                long before = other.checkExists().forPath(PATH).getCzxid();
                other.delete().forPath(PATH);
                await("re-created after delete " + (i + 1)).atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            var stat = other.checkExists().forPath(PATH);
                            return stat != null && stat.getCzxid() > before;
                        });
            }
        }
    }

    private static CuratorFramework client(TestingServer server) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 6_000, 3_000,
                new RetryOneTime(100));
        c.start();
        assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return c;
    }
}
