package io.hostwatch.client.watch;

import io.hostwatch.schema.EpochRecord;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Writes verdicts into ZooKeeper the way the detector leader does: after taking an epoch, each
 * verdict in one multi-op that checks the epoch's version. Test code: no retries, no fencing logic.
 */
final class LeaderWrites {
    private final CuratorFramework client;
    private final long epoch;

    LeaderWrites(CuratorFramework client) throws Exception {
        this.client = client;
        try {
            client.create().creatingParentContainersIfNeeded().forPath(ZkPaths.EPOCH,
                    Json.write(new EpochRecord(0, null, Instant.now())));
        } catch (KeeperException.NodeExistsException taken) {
            // an earlier term exists: take the next one
        }
        Stat stat = client.checkExists().forPath(ZkPaths.EPOCH);
        this.epoch = client.setData().withVersion(stat.getVersion()).forPath(ZkPaths.EPOCH,
                Json.write(new EpochRecord(stat.getVersion() + 1, "test", Instant.now()))).getVersion();
    }

    static Verdict verdict(MemberId id, State state, String reason) {
        Evidence evidence = new Evidence(new Evidence.Heartbeat(state == State.RUNNING ? SignalStatus.Heartbeat.OK
                : SignalStatus.Heartbeat.LOST, Instant.now(), null), null, null);
        return new Verdict(id.group(), id.host(), "192.0.2.1", state, reason, Instant.now(), state == State.DEAD,
                null, "inc-" + id.host(), 1, evidence, Instant.now());
    }

    static MemberRegistration registration(MemberId id, String incarnation) {
        return new MemberRegistration(id.group(), id.host(), "192.0.2.1", incarnation, Instant.now(), false, 1000,
                "test");
    }

    /** Publishes {@code v}, creating the verdict (and its group parent) when it is the member's first. */
    void publish(Verdict v) throws Exception {
        String path = ZkPaths.verdict(v.id());
        byte[] data = Json.write(v);
        try {
            client.transaction().forOperations(
                    client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH),
                    client.transactionOp().setData().forPath(path, data));
        } catch (KeeperException.NoNodeException first) {
            if (client.checkExists().forPath(ZkPaths.verdictGroup(v.group())) == null) {
                client.create().creatingParentContainersIfNeeded().forPath(ZkPaths.verdictGroup(v.group()));
            }
            client.transaction().forOperations(
                    client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH),
                    client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data));
        }
    }

    /** Registers a member as its agent does: an ephemeral znode owned by {@code agent}'s session. */
    static void register(CuratorFramework agent, MemberRegistration r) throws Exception {
        agent.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.heartbeat(r.id()), Json.write(r));
    }
}
