package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The batched, epoch-guarded writer on a real ZooKeeper: order per member, history, fencing, decommissioning. */
@Timeout(120)
class VerdictWriterTest {
    private TestingServer zk;
    private CuratorFramework c;
    private CuratorFramework other; // a second session: another reader, or the next leader

    @BeforeEach
    void startZooKeeper() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        zk = new TestingServer();
        c = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        other = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        c.start();
        other.start();
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        other.close();
        c.close();
        zk.close();
    }

    private static Verdict verdict(String host, State state, long epoch) {
        return new Verdict("compute", host, "192.0.2.1", state, state + " test", Instant.EPOCH, false, null, "inc",
                epoch, null, Instant.EPOCH);
    }

    private static Verdict read(CuratorFramework client, String host) throws Exception {
        return Json.read(client.getData().forPath(ZkPaths.verdict(MemberId.of("compute", host))), Verdict.class);
    }

    @Test
    void manyVerdictsLandInOrderWithTheirHistoryAndAFencedBatchWritesNothing() throws Exception {
        VerdictStore store = new VerdictStore(c, Clock.systemUTC(), 3);
        try (VerdictWriter writer = new VerdictWriter(c, store)) {
            long e1 = store.acquireEpoch("first");
            List<CompletableFuture<Void>> all = new ArrayList<>();
            State[] walk = {State.RUNNING, State.SUSPECT, State.DEAD, State.RUNNING, State.SUSPECT};
            for (int round = 0; round < walk.length; round++) {
                for (int h = 0; h < 600; h++) {
                    Verdict prev = round == 0 ? null : verdict("h" + h, walk[round - 1], e1);
                    all.add(writer.publish(verdict("h" + h, walk[round], e1), prev, e1));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int h = 0; h < 600; h += 37) {
                assertThat(read(other, "h" + h).state()).isEqualTo(State.SUSPECT);
            }
            // history: five transitions, trimmed in the background to at most 2 x size
            MemberId h0 = MemberId.of("compute", "h0");
            List<Verdict> history = new VerdictHistory(other, java.time.Duration.ofSeconds(5)).newestFirst(h0, 10);
            assertThat(history).extracting(Verdict::state).startsWith(State.SUSPECT, State.RUNNING, State.DEAD);

            long e2 = new VerdictStore(other, Clock.systemUTC()).acquireEpoch("second");
            assertThat(e2).isGreaterThan(e1);
            CompletableFuture<Void> stale = writer.publish(verdict("h1", State.DEAD, e1),
                    verdict("h1", State.SUSPECT, e1), e1);
            assertThatThrownBy(() -> stale.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(VerdictStore.FencedException.class);
            assertThat(read(other, "h1").state()).isEqualTo(State.SUSPECT);

            // a member whose verdict was deleted (decommissioned) is not brought back
            other.delete().forPath(ZkPaths.verdict(MemberId.of("compute", "h2")));
            CompletableFuture<Void> late = writer.publish(verdict("h2", State.DEAD, e2),
                    verdict("h2", State.SUSPECT, e2), e2);
            assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            assertThat(other.checkExists().forPath(ZkPaths.verdict(MemberId.of("compute", "h2")))).isNull();
            // and the writer goes on with the next batch
            writer.publish(verdict("h3", State.DEAD, e2), verdict("h3", State.SUSPECT, e2), e2)
                    .get(10, TimeUnit.SECONDS);
            assertThat(read(other, "h3").state()).isEqualTo(State.DEAD);
        }
    }

    @Test
    void suspectIsNotQueuedBehindOtherWritesButStaysInOrderPerMember() throws Exception {
        VerdictStore store = new VerdictStore(c, Clock.systemUTC(), 3);
        try (VerdictWriter writer = new VerdictWriter(c, store)) {
            long e = store.acquireEpoch("first");
            int n = 3000;
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int h = 0; h < n; h++) {
                all.add(writer.publish(verdict("h" + h, State.RUNNING, e), null, e));
            }
            all.add(writer.publish(verdict("s", State.RUNNING, e), null, e));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            all.clear();
            List<Verdict> dead = new ArrayList<>();
            for (int h = 0; h < n; h++) {
                dead.add(verdict("h" + h, State.DEAD, e));
            }
            for (int h = 0; h < n; h++) {
                all.add(writer.publish(dead.get(h), verdict("h" + h, State.RUNNING, e), e));
            }
            // the last member's DEAD is still waiting: its SUSPECT must follow it, not overtake it
            all.add(writer.publish(verdict("h" + (n - 1), State.SUSPECT, e), dead.get(n - 1), e));
            all.add(writer.publish(verdict("s", State.SUSPECT, e), verdict("s", State.RUNNING, e), e));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(read(c, "s").state()).isEqualTo(State.SUSPECT);
            assertThat(read(c, "h" + (n - 1)).state()).isEqualTo(State.SUSPECT);
            long suspect = mzxid(c, "s");
            long laterSent = 0;
            for (int h = 0; h < n - 1; h++) {
                assertThat(read(c, "h" + h).state()).isEqualTo(State.DEAD);
                laterSent += mzxid(c, "h" + h) > suspect ? 1 : 0;
            }
            assertThat(laterSent).as("DEAD verdicts written after the later SUSPECT").isPositive();
        }
    }

    @Test
    void aSuspectIsWrittenWithoutItsHistoryEntryWhichLandsBeforeTheMembersNextVerdict() throws Exception {
        VerdictStore store = new VerdictStore(c, Clock.systemUTC(), 10);
        try (VerdictWriter writer = new VerdictWriter(c, store)) {
            long e = store.acquireEpoch("first");
            int n = 300;
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int h = 0; h < n; h++) {
                all.add(writer.publish(verdict("h" + h, State.RUNNING, e), null, e));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            all.clear();
            for (int h = 0; h < n; h++) {
                all.add(writer.publish(verdict("h" + h, State.SUSPECT, e), verdict("h" + h, State.RUNNING, e), e));
                if (h % 2 == 1) {
                    all.add(writer.publish(verdict("h" + h, State.DEAD, e), verdict("h" + h, State.SUSPECT, e), e));
                }
            }
            // No wait for the entries: each was queued before the last DEAD, and ZooKeeper applies a
            // session's requests in order, so the DEAD's acknowledgement means they are all there.
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int h = 0; h < n; h++) {
                MemberId id = MemberId.of("compute", "h" + h);
                org.apache.zookeeper.data.Stat verdictStat = c.checkExists().forPath(ZkPaths.verdict(id));
                List<org.apache.zookeeper.data.Stat> entries = new ArrayList<>();
                List<State> states = new ArrayList<>();
                for (String child : c.getChildren().forPath(ZkPaths.history(id)).stream().sorted().toList()) {
                    org.apache.zookeeper.data.Stat st = new org.apache.zookeeper.data.Stat();
                    byte[] data = c.getData().storingStatIn(st).forPath(ZkPaths.history(id) + "/" + child);
                    entries.add(st);
                    states.add(Json.read(data, Verdict.class).state());
                }
                // RUNNING: verdict and entry in one multi-op (one zxid)
                assertThat(entries.get(0).getCzxid()).isEqualTo(verdictStat.getCzxid());
                if (h % 2 == 0) {
                    assertThat(states).containsExactly(State.RUNNING, State.SUSPECT);
                    assertThat(entries.get(1).getCzxid()).as("the SUSPECT's entry, written after it")
                            .isGreaterThan(verdictStat.getMzxid());
                } else {
                    assertThat(states).containsExactly(State.RUNNING, State.SUSPECT, State.DEAD);
                    // (in the same multi-op as the DEAD when they were batched together: the
                    // entries' sequence order above says which came first)
                    assertThat(entries.get(1).getCzxid()).as("the SUSPECT's entry, not after the DEAD")
                            .isLessThanOrEqualTo(verdictStat.getMzxid());
                    assertThat(entries.get(2).getCzxid()).as("DEAD: verdict and entry in one multi-op")
                            .isEqualTo(verdictStat.getMzxid());
                }
            }
        }
    }

    private static long mzxid(CuratorFramework client, String host) throws Exception {
        return client.checkExists().forPath(ZkPaths.verdict(MemberId.of("compute", host))).getMzxid();
    }
}
