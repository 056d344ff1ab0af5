package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import io.hostwatch.schema.ZkPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's isolation guard against a real ZooKeeper that is stopped and started again; only the
 * answer of the isolation address is scripted (on loopback everything answers).
 */
@Timeout(90)
class MemberAgentIsolationTest {
    private static final MemberId ID = MemberId.of("compute", "h1");
    private static final String ISOLATION_ADDRESS = "192.0.2.200";

    @TempDir
    Path tmp;

    private final AtomicBoolean networkAnswers = new AtomicBoolean(true);
    private TestingServer server;
    private MemberAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        server.close();
    }

    private AgentConfig.Builder config() {
        return AgentConfig.builder(ID.host(), "127.0.0.1", server.getConnectString(), tmp.resolve("storage"))
                .storageInterval(Duration.ofMillis(100))
                .isolationAddresses(List.of(ISOLATION_ADDRESS))
                .fenceAfter(Duration.ofSeconds(2));
    }

    private MemberAgent start(AgentConfig config) {
        agent = new MemberAgent(config, Clock.systemUTC(), (address, timeout) -> {
            assertThat(address.getHostAddress()).isEqualTo(ISOLATION_ADDRESS);
            return networkAnswers.get();
        });
        agent.start();
        try {
            assertThat(agent.awaitRegistered(Duration.ofSeconds(30))).as("registered").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return agent;
    }

    private StorageRecord slot() throws IOException {
        return StorageRecordCodec.decode(Files.readAllBytes(StorageRecordCodec.slot(tmp.resolve("storage"), ID)));
    }

    private MemberRegistration registration() throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 6_000, 3_000,
                new RetryOneTime(100))) {
            c.start();
            assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
            return Json.read(c.getData().forPath(ZkPaths.heartbeat(ID)), MemberRegistration.class);
        }
    }

    @Test
    void isolatedHostFlagsItselfFencesAfterTheDeadlineAndClearsBothWhenZooKeeperIsBack() throws Exception {
        Path fencedMarker = tmp.resolve("fenced");
        // 5 s between ISOLATED and FENCED, so the ISOLATED-only slot is seen on a loaded machine too.
        AgentConfig config = config().fenceAfter(Duration.ofSeconds(5))
                .isolationResponse("touch '" + fencedMarker + "'").build();
        start(config);
        MemberRegistration registration = registration();
        assertThat(registration.fenceAfterMillis()).isNotNull()
                .isEqualTo(config.selfFenceDeadline(config.sessionTimeout()).orElseThrow().toMillis())
                .isGreaterThan(config.fenceAfter().plus(config.sessionTimeout()).toMillis());

        networkAnswers.set(false);
        server.stop();
        await("ISOLATED").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> slot().has(StorageFlag.ISOLATED));
        assertThat(slot().has(StorageFlag.FENCED)).isFalse();
        assertThat(fencedMarker).doesNotExist();

        await("FENCED").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> slot().has(StorageFlag.FENCED));
        assertThat(fencedMarker).exists();
        assertThat(slot().has(StorageFlag.ISOLATED)).isTrue();

        server.restart();
        await("flags cleared").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> slot().flags().isEmpty());
        assertThat(registration().incarnation()).isEqualTo(agent.incarnation().toString());
    }

    @Test
    void anAgentStartedOnAnIsolatedHostFlagsItselfFencesAndRegistersOnceTheNetworkIsBack() throws Exception {
        Path fencedMarker = tmp.resolve("fenced");
        int port = server.getPort();
        server.close();
        networkAnswers.set(false);
        agent = new MemberAgent(AgentConfig.builder(ID.host(), "127.0.0.1", "127.0.0.1:" + port, tmp.resolve("storage"))
                .storageInterval(Duration.ofMillis(100))
                .connectionTimeout(Duration.ofMillis(500))
                .isolationAddresses(List.of(ISOLATION_ADDRESS))
                .fenceAfter(Duration.ofSeconds(2))
                .isolationResponse("touch '" + fencedMarker + "'")
                .build(), Clock.systemUTC(), (address, timeout) -> networkAnswers.get());
        agent.start();

        await("ISOLATED").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> slot().has(StorageFlag.ISOLATED));
        await("FENCED").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> slot().has(StorageFlag.FENCED));
        assertThat(fencedMarker).exists();
        assertThat(agent.isRegistered()).isFalse();

        networkAnswers.set(true);
        server = new TestingServer(port, true);
        assertThat(agent.awaitRegistered(Duration.ofSeconds(60))).as("registered once ZooKeeper is up").isTrue();
        await("flags cleared").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> slot().flags().isEmpty());
        assertThat(registration().incarnation()).isEqualTo(agent.incarnation().toString());
    }

    @Test
    void zooKeeperOutageWhileTheNetworkAnswersIsNotIsolation() throws Exception {
        Path fencedMarker = tmp.resolve("fenced");
        start(config().isolationResponse("touch '" + fencedMarker + "'").build());
        server.stop();
        long seq = slot().seq();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(Hold.of("no flag", () -> slot().flags().isEmpty()));
        assertThat(slot().seq()).as("still writing storage").isGreaterThan(seq);
        assertThat(fencedMarker).doesNotExist();
        server.restart();
    }

    @Test
    void withoutAResponseNoSelfFenceDeadlineIsDeclaredAndTheHostIsNeverFenced() throws Exception {
        start(config().build());
        assertThat(registration().fenceAfterMillis()).isNull();

        networkAnswers.set(false);
        server.stop();
        await("ISOLATED").atMost(Duration.ofSeconds(10)).until(() -> slot().has(StorageFlag.ISOLATED));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(13)).pollInterval(Duration.ofMillis(100))
                .until(Hold.of("never FENCED", () -> !slot().has(StorageFlag.FENCED)));
        server.restart();
    }
}
