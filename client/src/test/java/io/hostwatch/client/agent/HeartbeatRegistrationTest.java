package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.ZkPaths;
import java.time.Duration;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HeartbeatRegistrationTest {
    private static final MemberRegistration REGISTRATION = new MemberRegistration("compute", "h1", "10.0.0.1",
            "incarnation-1", Instant.parse("2030-01-01T00:00:00Z"), false, 1000, "test");
    private static final String PATH = ZkPaths.heartbeat(REGISTRATION.id());

    private TestingServer server;
    private CuratorFramework client;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        client = newClient();
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        server.close();
    }

    private CuratorFramework newClient() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 6_000, 3_000,
                new RetryOneTime(100));
        c.start();
        assertThat(c.blockUntilConnected(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return c;
    }

    private static long sessionOf(CuratorFramework c) throws Exception {
        return c.getZookeeperClient().getZooKeeper().getSessionId();
    }

    private Stat stat() throws Exception {
        return client.checkExists().forPath(PATH);
    }

    private MemberRegistration data() throws Exception {
        return Json.read(client.getData().forPath(PATH), MemberRegistration.class);
    }

    @Test
    void holdsAnEphemeralZnodeAndMarksItLeavingBeforeRemovingIt() throws Exception {
        try (HeartbeatRegistration registration = new HeartbeatRegistration(client, REGISTRATION, Duration.ofSeconds(5))) {
            registration.start();
            assertThat(stat().getEphemeralOwner()).isEqualTo(sessionOf(client));
            assertThat(data()).isEqualTo(REGISTRATION);

            assertThat(registration.markLeaving()).isTrue();
            assertThat(data().leaving()).isTrue();

            registration.close();
            assertThat(stat()).isNull();
        }
    }

    @Test
    void withdrawAndRestore() throws Exception {
        try (HeartbeatRegistration registration = new HeartbeatRegistration(client, REGISTRATION, Duration.ofSeconds(5))) {
            registration.start();
            registration.withdraw();
            assertThat(stat()).isNull();
            assertThat(registration.isRegistered()).isFalse();

            registration.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> stat() != null);
            assertThat(data()).isEqualTo(REGISTRATION);
            assertThat(registration.isRegistered()).isTrue();
        }
    }

    @Test
    void isCreatedAgainAfterTheSessionExpires() throws Exception {
        try (HeartbeatRegistration registration = new HeartbeatRegistration(client, REGISTRATION, Duration.ofSeconds(5))) {
            registration.start();
            long firstSession = stat().getEphemeralOwner();

            client.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Stat stat = stat();
                return stat != null && stat.getEphemeralOwner() != firstSession;
            });
            assertThat(data()).isEqualTo(REGISTRATION);
        }
    }

    @Test
    void neverTakesOverAPersistentZnode() throws Exception {
        client.create().creatingParentsIfNeeded().forPath(PATH, new byte[0]);
        try (HeartbeatRegistration registration = new HeartbeatRegistration(client, REGISTRATION, Duration.ofSeconds(5))) {
            assertThatThrownBy(registration::start)
                    .isInstanceOf(HostwatchException.class)
                    .hasMessageContaining("is not ephemeral");
        }
        assertThat(client.getData().forPath(PATH)).isEmpty();
    }

    @Test
    void waitsForAZnodeOfAnotherSessionAndFailsWhenItStays() throws Exception {
        try (CuratorFramework previous = newClient()) {
            previous.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(PATH, "old".getBytes());
            try (HeartbeatRegistration registration = new HeartbeatRegistration(client, REGISTRATION,
                    Duration.ofMillis(500))) {
                assertThatThrownBy(registration::start)
                        .isInstanceOf(HostwatchException.class)
                        .hasMessageContaining("still held by session 0x" + Long.toHexString(sessionOf(previous)));
            }
            assertThat(stat().getEphemeralOwner()).isEqualTo(sessionOf(previous));
            assertThat(client.getData().forPath(PATH)).isEqualTo("old".getBytes());
        }
    }
}
