package io.hostwatch.service.zk;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.ZkPaths;
import java.util.Optional;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * One JSON record per member that only the detector leader writes, such as the Nova action
 * ({@link ZkPaths#nova(MemberId)}) or the fencing record ({@link ZkPaths#fencing(MemberId)}).
 * Writes are guarded by the leader's epoch exactly like verdicts: one multi-op that checks the
 * version of {@link ZkPaths#EPOCH} and sets (or creates) the record, so a deposed or paused leader
 * cannot record an intent or an outcome once a newer leader has taken over. The group's parent
 * node is a CONTAINER, created on demand.
 *
 * @param <T> the record's type
 */
public final class EpochGuardedRecords<T> {
    /** The writer's epoch is no longer current: it must stop acting. */
    public static final class SupersededException extends HostwatchException {
        private static final long serialVersionUID = 1L;

        SupersededException(long epoch) {
            super("epoch " + epoch + " has been superseded by a newer leader");
        }
    }

    private final CuratorFramework client;
    private final Class<T> type;
    private final Function<MemberId, String> path;
    private final Function<T, MemberId> idOf;
    private final String noun;

    /**
     * @param path where a member's record is
     * @param idOf the member a record is about
     * @param noun what a record is, for errors ("the Nova action")
     */
    public EpochGuardedRecords(CuratorFramework client, Class<T> type, Function<MemberId, String> path,
                               Function<T, MemberId> idOf, String noun) {
        this.client = client;
        this.type = type;
        this.path = path;
        this.idOf = idOf;
        this.noun = noun;
    }

    /** The Nova actions: what the leader asked of Nova for a member, and how that went. */
    public static EpochGuardedRecords<NovaAction> novaActions(CuratorFramework client) {
        return new EpochGuardedRecords<>(client, NovaAction.class, ZkPaths::nova, NovaAction::id, "the Nova action");
    }

    /** The fencing records: a member's power-off through its BMC, intent and outcome. */
    public static EpochGuardedRecords<FencingAction> fencing(CuratorFramework client) {
        return new EpochGuardedRecords<>(client, FencingAction.class, ZkPaths::fencing, FencingAction::id,
                "the fencing record");
    }

    /** The member's current record, read from ZooKeeper itself (not a cache). */
    public Optional<T> read(MemberId id) {
        try {
            byte[] data = client.getData().forPath(path.apply(id));
            return Optional.of(Json.read(data, type));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (CorruptRecordException e) {
            throw e;
        } catch (Exception e) {
            throw translate("read " + noun + " of " + id, e);
        }
    }

    /**
     * Writes {@code record} if {@code epoch} is still current.
     *
     * @throws SupersededException when a newer leader has taken over
     */
    public void write(T record, long epoch) {
        MemberId id = idOf.apply(record);
        String at = path.apply(id);
        byte[] data = Json.write(record);
        try {
            CuratorOp check = client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH);
            try {
                client.transaction().forOperations(check, client.transactionOp().setData().forPath(at, data));
            } catch (KeeperException.NoNodeException missing) {
                ensureParent(at);
                client.transaction().forOperations(check,
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(at, data));
            }
        } catch (KeeperException.BadVersionException e) {
            throw new SupersededException(epoch);
        } catch (Exception e) {
            throw translate("write " + noun + " of " + id, e);
        }
    }

    private void ensureParent(String at) throws Exception {
        String parent = at.substring(0, at.lastIndexOf('/'));
        if (client.checkExists().forPath(parent) == null) {
            try {
                client.create().creatingParentContainersIfNeeded().withMode(CreateMode.CONTAINER).forPath(parent);
            } catch (KeeperException.NodeExistsException raced) {
                // created concurrently: fine
            }
        }
    }

    private static HostwatchException translate(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (e instanceof HostwatchException he) {
            return he;
        }
        return new HostwatchException("cannot " + what + ": " + e.getMessage(), e);
    }
}
