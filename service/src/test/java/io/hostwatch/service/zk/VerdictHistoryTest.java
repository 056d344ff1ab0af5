package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The verdict history on a real ZooKeeper: what is recorded, fencing, failover and trimming. */
@Timeout(60)
class VerdictHistoryTest {
    private static final MemberId ID = MemberId.of("compute", "h1");

    private TestingServer zk;
    private final List<CuratorFramework> clients = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        zk = new TestingServer(true);
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        clients.forEach(CuratorFramework::close);
        zk.close();
    }

    private CuratorFramework client() {
        CuratorFramework c = CuratorFrameworkFactory.newClient(zk.getConnectString(), 10_000, 5_000,
                new RetryOneTime(100));
        c.start();
        clients.add(c);
        return c;
    }

    private static VerdictHistory history(CuratorFramework c) {
        return new VerdictHistory(c, Duration.ofSeconds(5));
    }

    static Verdict verdict(State state, boolean actionable, List<String> holds, String reason, long epoch) {
        Evidence evidence = new Evidence(
                new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, Instant.parse("2026-11-24T12:00:00Z"), "gone"),
                new Evidence.Ping(SignalStatus.Ping.FAIL, Instant.parse("2026-11-24T12:00:01Z"), "icmp", null,
                        "no answer"),
                new Evidence.Storage(SignalStatus.Storage.STALE, Instant.parse("2026-11-24T12:00:02Z"), 42L,
                        Set.of(StorageFlag.ISOLATED), 4_000L, "inc-1", null));
        return new Verdict(ID.group(), ID.host(), "192.0.2.1", state, reason, Instant.parse("2026-11-24T12:00:00Z"),
                actionable, null, "inc-1", epoch, evidence, Instant.now(), holds);
    }

    @Test
    void transitionIsStateActionableOrHoldsChanging() {
        Verdict running = verdict(State.RUNNING, false, null, "up", 1);
        assertThat(VerdictHistory.isTransition(null, running)).isTrue();
        assertThat(VerdictHistory.isTransition(running, verdict(State.RUNNING, false, null, "other words", 2)))
                .isFalse();
        assertThat(VerdictHistory.isTransition(running, verdict(State.RUNNING, false, List.of(), "up", 1)))
                .as("no holds and an empty list are the same").isFalse();
        assertThat(VerdictHistory.isTransition(running, verdict(State.SUSPECT, false, null, "up", 1))).isTrue();
        Verdict dead = verdict(State.DEAD, true, null, "dead", 1);
        assertThat(VerdictHistory.isTransition(dead, verdict(State.DEAD, false, null, "dead", 1))).isTrue();
        assertThat(VerdictHistory.isTransition(dead, verdict(State.DEAD, true, List.of("BRAKE"), "dead", 1)))
                .isTrue();
    }

    @Test
    void entryNamesSortBySequence() {
        assertThat(VerdictHistory.oldestFirst(List.of("t-0000000010", "x", "t-0000000002", "t-12", "t-000000000a",
                "t-0000000001"))).containsExactly("t-0000000001", "t-0000000002", "t-0000000010");
    }

    @Test
    void recordsTransitionsWithTheirEvidenceNewestFirst() {
        CuratorFramework c = client();
        VerdictStore store = new VerdictStore(c, Clock.systemUTC());
        long epoch = store.acquireEpoch("leader");
        Verdict running = verdict(State.RUNNING, false, null, "heartbeat present", epoch);
        Verdict reworded = verdict(State.RUNNING, false, null, "heartbeat present again", epoch);
        Verdict suspect = verdict(State.SUSPECT, false, null, "probing", epoch);
        Verdict dead = verdict(State.DEAD, true, null, "dead", epoch);
        Verdict held = verdict(State.DEAD, false, List.of(Verdict.HOLD_BRAKE), "dead, brake engaged", epoch);
        store.write(running, null, epoch);
        store.write(reworded, running, epoch);
        store.write(suspect, reworded, epoch);
        store.write(dead, suspect, epoch);
        store.write(held, dead, epoch);

        List<Verdict> got = history(c).newestFirst(ID, 20);
        assertThat(got).extracting(Verdict::reason)
                .containsExactly("dead, brake engaged", "dead", "probing", "heartbeat present");
        assertThat(got.get(0)).isEqualTo(held);
        assertThat(got.get(1).evidence().storage().seq()).isEqualTo(42L);
        assertThat(got.get(1).evidence().ping().method()).isEqualTo("icmp");
        assertThat(history(c).newestFirst(ID, 2)).extracting(Verdict::reason)
                .containsExactly("dead, brake engaged", "dead");
        assertThat(history(c).newestFirst(MemberId.of("compute", "nobody"), 20)).isEmpty();
        assertThat(history(c).exists(ID)).isTrue();
    }

    @Test
    void survivesALeaderChangeAndAFencedLeaderWritesNoHistory() throws Exception {
        CuratorFramework oldClient = client();
        VerdictStore oldLeader = new VerdictStore(oldClient, Clock.systemUTC());
        long e1 = oldLeader.acquireEpoch("old");
        Verdict running = verdict(State.RUNNING, false, null, "running", e1);
        Verdict suspect = verdict(State.SUSPECT, false, null, "suspect", e1);
        oldLeader.write(running, null, e1);
        oldLeader.write(suspect, running, e1);

        CuratorFramework newClient = client();
        VerdictStore newLeader = new VerdictStore(newClient, Clock.systemUTC());
        long e2 = newLeader.acquireEpoch("new");
        assertThatThrownBy(() -> oldLeader.write(verdict(State.DEAD, true, null, "stale dead", e1), suspect, e1))
                .isInstanceOf(VerdictStore.FencedException.class);
        assertThat(history(newClient).newestFirst(ID, 20)).extracting(Verdict::reason)
                .containsExactly("suspect", "running");

        oldClient.close();
        // The new leader starts from the published verdict, as the detector does after taking over.
        Verdict published = Json.read(newClient.getData().forPath(ZkPaths.verdict(ID)), Verdict.class);
        newLeader.write(verdict(State.SERVICE_UNREACHABLE, false, null, "service down", e2), published, e2);

        List<Verdict> got = history(client()).newestFirst(ID, 20);
        assertThat(got).extracting(Verdict::reason).containsExactly("service down", "suspect", "running");
        assertThat(got).extracting(Verdict::epoch).containsExactly(e2, e1, e1);
    }

    @Test
    void trimmingKeepsTheNewest() throws Exception {
        CuratorFramework c = client();
        int size = 5;
        VerdictStore store = new VerdictStore(c, Clock.systemUTC(), size);
        long epoch = store.acquireEpoch("leader");
        Verdict previous = null;
        for (int i = 0; i < 23; i++) {
            Verdict next = verdict(i % 2 == 0 ? State.RUNNING : State.SUSPECT, false, null, "t" + i, epoch);
            store.write(next, previous, epoch);
            previous = next;
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(c.getChildren().forPath(ZkPaths.history(ID))).hasSize(size));
        assertThat(history(c).newestFirst(ID, 100)).extracting(Verdict::reason)
                .containsExactly("t22", "t21", "t20", "t19", "t18");
    }

    @Test
    void recreatesAVanishedHistoryAndShowsARetriedEntryOnce() throws Exception {
        CuratorFramework c = client();
        VerdictStore store = new VerdictStore(c, Clock.systemUTC());
        long epoch = store.acquireEpoch("leader");
        Verdict running = verdict(State.RUNNING, false, null, "running", epoch);
        store.write(running, null, epoch);
        c.delete().deletingChildrenIfNeeded().forPath(ZkPaths.HISTORY);

        Verdict dead = verdict(State.DEAD, true, null, "dead", epoch);
        store.write(dead, running, epoch);
        // What a multi-op retried after a connection loss leaves behind: the same entry twice.
        c.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ZkPaths.historyEntryPrefix(ID), Json.write(dead));

        assertThat(history(c).newestFirst(ID, 20)).containsExactly(dead);
    }

    @Test
    void twoArgumentWriteReadsThePreviousVerdict() {
        CuratorFramework c = client();
        VerdictStore store = new VerdictStore(c, Clock.systemUTC());
        long epoch = store.acquireEpoch("leader");
        store.write(verdict(State.RUNNING, false, null, "a", epoch), epoch);
        store.write(verdict(State.RUNNING, false, null, "b", epoch), epoch);
        store.write(verdict(State.DEAD, false, null, "c", epoch), epoch);
        assertThat(history(c).newestFirst(ID, 20)).extracting(Verdict::reason).containsExactly("c", "a");
    }
}
