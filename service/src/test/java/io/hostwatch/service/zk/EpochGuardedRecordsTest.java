package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.State;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.testing.FencingSamples;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leader's per-member records (Nova actions, fencing) on a real ZooKeeper, under epoch guard. */
@Timeout(60)
class EpochGuardedRecordsTest {
    private static final MemberId NODE1 = MemberId.of("compute", "node1");

    private TestingServer zk;
    private CuratorFramework client;

    @BeforeEach
    void startZooKeeper() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        // The server looks for empty CONTAINER nodes every 100 ms instead of every minute.
        System.setProperty("znode.container.checkIntervalMs", "100");
        zk = new TestingServer();
        client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
        client.start();
    }

    @AfterEach
    void stopZooKeeper() throws Exception {
        client.close();
        zk.close();
        System.clearProperty("znode.container.checkIntervalMs");
    }

    private static NovaAction novaAction(String incarnation) {
        Instant t = Instant.parse("2026-11-30T12:00:00Z");
        return new NovaAction("compute", "host1", "host1", incarnation, NovaAction.Kind.FORCE_DOWN,
                NovaAction.Status.PENDING, State.DEAD, "hostwatch: DEAD", null, 0, null, null, t, null, null, null, 3,
                t);
    }

    @Test
    void aRecordIsCreatedUnderAContainerParentThenReplacedAndReadBack() throws Exception {
        VerdictStore epochs = new VerdictStore(client, Clock.systemUTC());
        long epoch = epochs.acquireEpoch("leader");
        EpochGuardedRecords<FencingAction> fencing = EpochGuardedRecords.fencing(client);
        EpochGuardedRecords<NovaAction> nova = EpochGuardedRecords.novaActions(client);
        assertThat(fencing.read(NODE1)).isEmpty();

        FencingAction pending = FencingSamples.record(FencingAction.Status.PENDING, false, null, "inc-1");
        fencing.write(pending, epoch);
        assertThat(fencing.read(NODE1)).contains(pending);
        FencingAction confirmed = FencingSamples.record(FencingAction.Status.CONFIRMED, false, null, "inc-1");
        fencing.write(confirmed, epoch);
        assertThat(fencing.read(NODE1)).contains(confirmed);

        NovaAction down = novaAction("inc-1");
        nova.write(down, epoch);
        assertThat(nova.read(MemberId.of("compute", "host1"))).contains(down);

        // The group nodes are CONTAINERs (a stat does not say so): once their last record is gone
        // (a member forgotten), the server removes them. The records themselves stay.
        client.delete().forPath(ZkPaths.fencing(NODE1));
        client.delete().forPath(ZkPaths.nova(MemberId.of("compute", "host1")));
        await().atMost(Duration.ofSeconds(30)).until(() -> client.checkExists().forPath(ZkPaths.fencingGroup("compute"))
                == null && client.checkExists().forPath(ZkPaths.novaGroup("compute")) == null);
        fencing.write(pending, epoch);
        assertThat(fencing.read(NODE1)).as("written again under a new group node").contains(pending);
    }

    @Test
    void aSupersededEpochWritesNothing() throws Exception {
        VerdictStore epochs = new VerdictStore(client, Clock.systemUTC());
        long old = epochs.acquireEpoch("first");
        EpochGuardedRecords<FencingAction> fencing = EpochGuardedRecords.fencing(client);
        FencingAction first = FencingSamples.record(FencingAction.Status.PENDING, false, null, "inc-1");
        fencing.write(first, old);
        long next = epochs.acquireEpoch("second");
        assertThat(next).isGreaterThan(old);

        FencingAction late = FencingSamples.record(FencingAction.Status.CONFIRMED, false, null, "inc-1");
        assertThatThrownBy(() -> fencing.write(late, old)).isInstanceOf(EpochGuardedRecords.SupersededException.class)
                .hasMessageContaining("epoch " + old + " has been superseded");
        assertThat(fencing.read(NODE1)).contains(first);

        // Nor does a superseded epoch create a record that did not exist.
        EpochGuardedRecords<NovaAction> nova = EpochGuardedRecords.novaActions(client);
        assertThatThrownBy(() -> nova.write(novaAction("inc-9"), old))
                .isInstanceOf(EpochGuardedRecords.SupersededException.class);
        assertThat(nova.read(MemberId.of("compute", "host1"))).isEmpty();
    }

    @Test
    void aCorruptRecordIsAnErrorNotAnEmptyOne() throws Exception {
        client.create().creatingParentsIfNeeded().forPath(ZkPaths.fencing(NODE1),
                "{not json".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> EpochGuardedRecords.fencing(client).read(NODE1))
                .isInstanceOf(CorruptRecordException.class);
    }
}
