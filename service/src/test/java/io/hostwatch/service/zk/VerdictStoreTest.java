package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Clock;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Epoch fencing on a real ZooKeeper: a superseded leader's write fails and changes nothing. */
@Timeout(60)
class VerdictStoreTest {
    private TestingServer zk;
    private CuratorFramework c1; // the first leader's session
    private CuratorFramework c2; // the next leader's, or a reader's

    @BeforeEach
    void startZooKeeper() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        zk = new TestingServer();
        c1 = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        c2 = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        c1.start();
        c2.start();
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        c2.close();
        c1.close();
        zk.close();
    }

    private static Verdict verdict(State state, long epoch) {
        return new Verdict("compute", "h1", "192.0.2.1", state, "test", Instant.EPOCH, false, null, "inc", epoch,
                null, Instant.EPOCH);
    }

    @Test
    void supersededEpochCannotWrite() throws Exception {
        VerdictStore first = new VerdictStore(c1, Clock.systemUTC());
        VerdictStore second = new VerdictStore(c2, Clock.systemUTC());

        long e1 = first.acquireEpoch("first");
        first.write(verdict(State.RUNNING, e1), e1);
        long e2 = second.acquireEpoch("second");
        assertThat(e2).isGreaterThan(e1);
        assertThat(second.currentEpoch()).isEqualTo(e2);

        assertThatThrownBy(() -> first.write(verdict(State.DEAD, e1), e1))
                .isInstanceOf(VerdictStore.FencedException.class);
        Verdict stored = Json.read(c2.getData().forPath(ZkPaths.verdict(verdict(State.RUNNING, 0).id())),
                Verdict.class);
        assertThat(stored.state()).isEqualTo(State.RUNNING);
        assertThat(stored.epoch()).isEqualTo(e1);

        second.write(verdict(State.SERVICE_UNREACHABLE, e2), e2);
        assertThat(Json.read(c1.getData().forPath(ZkPaths.verdict(stored.id())), Verdict.class).state())
                .isEqualTo(State.SERVICE_UNREACHABLE);
    }

    @Test
    void aHistoryEntryWrittenApartIsGuardedByTheEpochAndNeverBringsBackADecommissionedMember() throws Exception {
        VerdictStore first = new VerdictStore(c1, Clock.systemUTC());
        long e1 = first.acquireEpoch("first");
        Verdict running = verdict(State.RUNNING, e1);
        first.write(running, null, e1);
        Verdict suspect = verdict(State.SUSPECT, e1);
        first.write(suspect, running, e1, false);
        String history = ZkPaths.history(running.id());
        assertThat(c2.getChildren().forPath(history)).as("the SUSPECT went without its entry").hasSize(1);

        assertThat(first.appendHistory(suspect, Json.write(suspect), e1)).isTrue();
        assertThat(new VerdictHistory(c2, java.time.Duration.ofSeconds(5)).newestFirst(running.id(), 10))
                .extracting(Verdict::state).containsExactly(State.SUSPECT, State.RUNNING);

        long e2 = new VerdictStore(c2, Clock.systemUTC()).acquireEpoch("second");
        assertThat(e2).isGreaterThan(e1);
        assertThatThrownBy(() -> first.appendHistory(suspect, Json.write(suspect), e1))
                .isInstanceOf(VerdictStore.FencedException.class);
        assertThat(c2.getChildren().forPath(history)).hasSize(2);

        // decommissioned: verdict and history gone; the late entry is dropped, nothing re-created
        c2.delete().deletingChildrenIfNeeded().forPath(history);
        c2.delete().forPath(ZkPaths.verdict(running.id()));
        assertThat(first.appendHistory(suspect, Json.write(suspect), e2)).isFalse();
        assertThat(c2.checkExists().forPath(history)).isNull();
        assertThat(c2.checkExists().forPath(ZkPaths.verdict(running.id()))).isNull();
    }
}
