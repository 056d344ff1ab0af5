package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import io.hostwatch.schema.ZkPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.io.TempDir;

/** The member agent against a real, in-process ZooKeeper. */
@Timeout(90)
class MemberAgentTest {
    private static final MemberId ID = MemberId.of("compute", "h1");
    private static final String PATH = ZkPaths.heartbeat(ID);

    @TempDir
    Path tmp;

    private TestingServer server;
    private CuratorFramework observer;
    private MemberAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        observer = newClient();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        observer.close();
        server.close();
    }

    private CuratorFramework newClient() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 6_000, 3_000,
                new RetryOneTime(100));
        c.start();
        assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return c;
    }

    private AgentConfig.Builder config() {
        return AgentConfig.builder(ID.host(), "127.0.0.1", server.getConnectString(), tmp.resolve("storage"))
                .storageInterval(Duration.ofMillis(100))
                .healthInterval(Duration.ofMillis(200));
    }

    private StorageRecord slot() throws IOException {
        return StorageRecordCodec.decode(Files.readAllBytes(StorageRecordCodec.slot(tmp.resolve("storage"), ID)));
    }

    private Stat znode() throws Exception {
        return observer.checkExists().forPath(PATH);
    }

    private MemberRegistration registration() throws Exception {
        return Json.read(observer.getData().forPath(PATH), MemberRegistration.class);
    }

    /** Starts the agent and waits for its registration, generously: a busy machine is slow, not wrong. */
    private void startRegistered() throws InterruptedException {
        agent.start();
        assertThat(agent.awaitRegistered(Duration.ofSeconds(30))).as("registered").isTrue();
    }

    @Test
    void registersTheMemberAndWritesTheStorageHeartbeat() throws Exception {
        agent = new MemberAgent(config().build());
        startRegistered();

        Stat stat = znode();
        assertThat(stat).isNotNull();
        assertThat(stat.getEphemeralOwner()).isNotZero();
        MemberRegistration registration = registration();
        assertThat(registration.id()).isEqualTo(ID);
        assertThat(registration.address()).isEqualTo("127.0.0.1");
        assertThat(registration.incarnation()).isEqualTo(agent.incarnation().toString());
        assertThat(registration.leaving()).isFalse();
        assertThat(registration.storageIntervalMillis()).isEqualTo(100);
        assertThat(registration.startedAt()).isNotNull();
        assertThat(registration.agentVersion()).isNotBlank();

        long seq = slot().seq();
        await().atMost(Duration.ofSeconds(5)).until(() -> slot().seq() >= seq + 3);
        StorageRecord record = slot();
        assertThat(record.incarnation()).isEqualTo(agent.incarnation());
        assertThat(record.flags()).isEmpty();
        byte[] signed = Files.readAllBytes(StorageRecordCodec.slot(tmp.resolve("storage"), ID));
        assertThat(StorageRecordCodec.verify(signed, ID, StorageKeys.parse(registration.storageKey())))
                .as("the slot is signed by the key the member registered").isTrue();
    }

    @Test
    void gracefulStopRecordsStoppingAndRemovesTheZnode() throws Exception {
        agent = new MemberAgent(config().build());
        startRegistered();
        await().atMost(Duration.ofSeconds(10)).until(() -> slot().seq() >= 3);

        agent.close();
        agent.close();

        assertThat(znode()).isNull();
        StorageRecord last = slot();
        assertThat(last.has(StorageFlag.STOPPING)).isTrue();
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> slot().equals(last));
    }

    @Test
    void aWatcherThatReadsTheLeavingMarkLateStillSeesIt() throws Exception {
        agent = new MemberAgent(config().build());
        startRegistered();
        // a watcher busy with other work: it reads a change 300 ms after being told of it
        java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.ScheduledExecutorService late = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        try {
            observer.getData().usingWatcher((org.apache.zookeeper.Watcher) event -> late.schedule(() -> {
                try {
                    MemberRegistration r = Json.read(observer.getData().forPath(PATH), MemberRegistration.class);
                    seen.complete(r.leaving() ? "leaving" : "not leaving");
                } catch (Exception e) {
                    seen.complete("gone before it was read: " + e);
                }
            }, 300, TimeUnit.MILLISECONDS)).forPath(PATH);

            agent.close();

            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("leaving");
            assertThat(znode()).isNull();
        } finally {
            late.shutdownNow();
        }
    }

    @Test
    void waitsForTheZnodeOfAPreviousProcessToGoAway() throws Exception {
        CuratorFramework previous = newClient();
        long previousSession = previous.getZookeeperClient().getZooKeeper().getSessionId();
        previous.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(PATH, "old".getBytes());

        agent = new MemberAgent(config().build());
        agent.start();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                !agent.isRegistered() && znode().getEphemeralOwner() == previousSession);

        previous.close(); // ZooKeeper deletes its ephemeral znode
        assertThat(agent.awaitRegistered(Duration.ofSeconds(30))).isTrue();

        assertThat(znode().getEphemeralOwner()).isNotEqualTo(previousSession);
        assertThat(registration().incarnation()).isEqualTo(agent.incarnation().toString());
    }

    @Test
    void keepsTryingWhileThePreviousZnodeStaysAndNeverTakesItOver() throws Exception {
        CuratorFramework previous = newClient();
        previous.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(PATH, "old".getBytes());
        agent = new MemberAgent(config().registrationWait(Duration.ofMillis(300)).build());
        agent.start();

        // Several attempts of 300 ms each give up on the foreign znode; none touches it.
        long seq = slot().seq();
        await().atMost(Duration.ofSeconds(20)).until(() -> slot().seq() >= seq + 15);
        assertThat(agent.isRegistered()).isFalse();
        assertThat(observer.getData().forPath(PATH)).isEqualTo("old".getBytes());

        previous.close();
        assertThat(agent.awaitRegistered(Duration.ofSeconds(30))).isTrue();
        assertThat(registration().incarnation()).isEqualTo(agent.incarnation().toString());
    }

    @Test
    void unwritableStorageFailsBeforeAnythingIsRegistered() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("storage"), "a regular file");
        agent = new MemberAgent(config().build());

        assertThatThrownBy(agent::start)
                .isInstanceOf(HostwatchException.class)
                .hasMessageStartingWith("storage directory " + notADirectory.resolve("compute") + " is not writable: ");
        assertThat(znode()).isNull();
        assertThat(observer.checkExists().forPath(ZkPaths.MEMBERS)).isNull();
    }

    @Test
    void unreachableZooKeeperAtStartKeepsTheStorageHeartbeatAndRegistersOnceItIsUp() throws Exception {
        int port = server.getPort();
        observer.close();
        server.close(); // nothing listens on the port now
        AgentConfig config = AgentConfig.builder(ID.host(), "127.0.0.1", "127.0.0.1:" + port, tmp.resolve("storage"))
                .storageInterval(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofMillis(500))
                .build();
        agent = new MemberAgent(config);
        agent.start();

        long seq = slot().seq();
        await("storage heartbeat without ZooKeeper").atMost(Duration.ofSeconds(20))
                .until(() -> slot().seq() >= seq + 20); // two seconds' worth: several connection timeouts
        assertThat(agent.isRegistered()).isFalse();

        server = new TestingServer(port, true);
        observer = newClient();
        assertThat(agent.awaitRegistered(Duration.ofSeconds(60))).as("registered once ZooKeeper is up").isTrue();
        assertThat(registration().incarnation()).isEqualTo(agent.incarnation().toString());
        assertThat(znode().getEphemeralOwner()).isNotZero();
    }

    @Test
    void aFailingServiceWithdrawsTheZnodeAndFlagsStorageUntilItRecovers() throws Exception {
        Path down = tmp.resolve("service-down");
        agent = new MemberAgent(config().healthCommand("test ! -e '" + down + "'").healthFailures(2).build());
        startRegistered();
        assertThat(znode()).isNotNull();

        Files.writeString(down, "");
        await().atMost(Duration.ofSeconds(30)).until(() -> slot().has(StorageFlag.SERVICE_DOWN) && znode() == null);
        long seq = slot().seq();
        await().atMost(Duration.ofSeconds(5)).until(() -> slot().seq() > seq); // the agent itself keeps writing

        Files.delete(down);
        await().atMost(Duration.ofSeconds(30)).until(() -> !slot().has(StorageFlag.SERVICE_DOWN) && znode() != null);
        assertThat(registration().incarnation()).isEqualTo(agent.incarnation().toString());
    }
}
