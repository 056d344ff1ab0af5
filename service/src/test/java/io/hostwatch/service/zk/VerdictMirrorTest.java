package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The verdict cache that does not read back the writer's own writes, on a real ZooKeeper: the
 * writer's setDatas arrive without a read, and anything else (a foreign write, also one racing an
 * own write, a create, a deletion, a write while the watch was gone) is still seen.
 */
@Timeout(120)
class VerdictMirrorTest {
    private TestingServer zk;
    private CuratorFramework own;
    private CuratorFramework other;
    private VerdictMirror mirror;
    private final Map<String, Verdict> seen = new ConcurrentHashMap<>();
    private final Map<String, Integer> reports = new ConcurrentHashMap<>();
    private final List<String> deletedPaths = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch initialized = new CountDownLatch(1);

    private static Verdict verdict(String host, State state, long epoch) {
        return new Verdict("compute", host, "192.0.2.1", state, state + " test", Instant.EPOCH, false, null, "inc",
                epoch, null, Instant.EPOCH);
    }

    private static String path(String host) {
        return ZkPaths.verdict(MemberId.of("compute", host));
    }

    @BeforeEach
    void start() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        zk = new TestingServer();
        own = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        other = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        own.start();
        other.start();
        for (String h : List.of("a", "b")) {
            other.create().creatingParentsIfNeeded().forPath(path(h), Json.write(verdict(h, State.RUNNING, 0)));
        }
        mirror = new VerdictMirror(own, ZkPaths.VERDICTS, new ZxidStorage(this::changed), d -> deletedPaths.add(
                d.getPath()), initialized::countDown);
        mirror.start();
        assertThat(initialized.await(30, TimeUnit.SECONDS)).isTrue();
    }

    private void changed(ChildData d) {
        if (d.getPath().startsWith(ZkPaths.VERDICTS + "/compute/")) {
            seen.put(d.getPath(), Json.read(d.getData(), Verdict.class));
            reports.merge(d.getPath(), 1, Integer::sum);
        }
    }

    @AfterEach
    void stop() throws Exception {
        mirror.close();
        own.close();
        other.close();
        zk.close();
    }

    @Test
    void theTreeIsReadAtTheStart() {
        assertThat(seen).containsOnlyKeys(path("a"), path("b"));
        assertThat(seen.get(path("a")).state()).isEqualTo(State.RUNNING);
    }

    @Test
    void theWritersOwnVerdictsArriveWithoutAReadAndCreatesAndForeignWritesAreRead() throws Exception {
        VerdictStore store = new VerdictStore(own, Clock.systemUTC(), 3);
        long epoch = store.acquireEpoch("test");
        try (VerdictWriter writer = new VerdictWriter(own, store, mirror)) {
            int before = mirror.reads();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 300; i++) { // both members, many batches, several writes per member per batch
                String h = i % 2 == 0 ? "a" : "b";
                State s = i % 3 == 0 ? State.SUSPECT : i % 3 == 1 ? State.DEAD : State.RUNNING;
                writes.add(writer.publish(verdict(h, s, epoch), verdict(h, State.RUNNING, epoch), epoch));
            }
            writes.add(writer.publish(verdict("a", State.DEAD, epoch), verdict("a", State.RUNNING, epoch), epoch));
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(path("a")).state() == State.DEAD);
            assertThat(mirror.reads()).as("no own setData read back").isEqualTo(before);
            Stat a = own.checkExists().forPath(path("a"));
            assertThat(mirror.snapshot().get(path("a")).getStat().getMzxid()).isEqualTo(a.getMzxid());
            // taken from the acknowledgement with the verdict already decoded: the same as decoding the node
            ChildData held = mirror.snapshot().get(path("a"));
            assertThat(held).isInstanceOf(VerdictMirror.Decoded.class);
            assertThat(((VerdictMirror.Decoded) held).verdict())
                    .isEqualTo(Json.read(own.getData().forPath(path("a")), Verdict.class))
                    .isEqualTo(Json.read(held.getData(), Verdict.class));

            // a first verdict is a create: read, as nothing tells its Stat
            writer.publish(verdict("c", State.RUNNING, epoch), null, epoch).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.containsKey(path("c")));
            assertThat(mirror.reads()).isGreaterThan(before);

            // someone else's write is read and reported
            other.setData().forPath(path("b"), Json.write(verdict("b", State.STOPPED, 99)));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(path("b")).state() == State.STOPPED);
        }
    }

    @Test
    void aForeignWriteRacingAnOwnWriteIsStillRead() throws Exception {
        String p = path("a");
        int before = mirror.reads();
        mirror.sending(p);
        Stat mine = own.setData().forPath(p, Json.write(verdict("a", State.SUSPECT, 1)));
        other.setData().forPath(p, Json.write(verdict("a", State.STOPPED, 99)));
        // both changes arrive while the own write counts as in flight; then it settles
        await().atMost(Duration.ofSeconds(30)).until(() -> mirror.pendingChanges(p) == 2);
        mirror.settled(p, verdict("a", State.SUSPECT, 1), Json.write(verdict("a", State.SUSPECT, 1)), mine);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(p).state() == State.STOPPED);
        assertThat(mirror.reads()).isEqualTo(before + 1);
        assertThat(mirror.snapshot().get(p).getStat().getMzxid()).isEqualTo(own.checkExists().forPath(p).getMzxid());
    }

    @Test
    void anOwnWriteAloneIsNotReadAndAFailedOneIsReadIfSomethingChanged() throws Exception {
        String p = path("a");
        int before = mirror.reads();
        mirror.sending(p);
        Stat mine = own.setData().forPath(p, Json.write(verdict("a", State.SUSPECT, 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> mirror.pendingChanges(p) == 1);
        mirror.settled(p, verdict("a", State.SUSPECT, 1), Json.write(verdict("a", State.SUSPECT, 1)), mine);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(p).state() == State.SUSPECT);
        assertThat(mirror.reads()).isEqualTo(before);

        // an own write that failed: the change seen meanwhile (someone else's) is read
        mirror.sending(p);
        other.setData().forPath(p, Json.write(verdict("a", State.STOPPED, 99)));
        await().atMost(Duration.ofSeconds(30)).until(() -> mirror.pendingChanges(p) == 1);
        mirror.settled(p, null, null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(p).state() == State.STOPPED);
        assertThat(mirror.reads()).isEqualTo(before + 1);
    }

    @Test
    void anOlderVersionNeverReplacesANewerOne() throws Exception {
        String p = path("a");
        Stat first = own.setData().forPath(p, Json.write(verdict("a", State.SUSPECT, 1)));
        own.setData().forPath(p, Json.write(verdict("a", State.DEAD, 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(p).state() == State.DEAD);
        mirror.sending(p);
        mirror.settled(p, verdict("a", State.SUSPECT, 1), Json.write(verdict("a", State.SUSPECT, 1)), first);
        assertThat(seen.get(p).state()).isEqualTo(State.DEAD);
    }

    @Test
    void deletionsAreSeenAndTheWatchOutlivesARestartOfTheServer() throws Exception {
        other.delete().forPath(path("b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> deletedPaths.contains(path("b")));

        int port = zk.getPort();
        zk.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> !own.getZookeeperClient().isConnected());
        zk.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> other.getZookeeperClient().isConnected());
        assertThat(zk.getPort()).isEqualTo(port);
        other.setData().forPath(path("a"), Json.write(verdict("a", State.STOPPED, 99)));
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.get(path("a")).state() == State.STOPPED);
    }
}
