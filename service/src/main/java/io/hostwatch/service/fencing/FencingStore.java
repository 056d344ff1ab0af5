package io.hostwatch.service.fencing;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.ZkPaths;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The {@link FencingAction} records at {@link ZkPaths#fencing(MemberId)}. Writes are guarded by the
 * detector leader's epoch exactly like verdicts: one multi-op that checks the version of
 * {@link ZkPaths#EPOCH} and sets (or creates) the record, so a deposed or paused leader cannot
 * record an intent or an outcome once a newer leader has taken over.
 */
public final class FencingStore {
    /** The writer's epoch is no longer current: it must stop acting. */
    public static final class SupersededException extends HostwatchException {
        private static final long serialVersionUID = 1L;

        SupersededException(long epoch) {
            super("epoch " + epoch + " has been superseded by a newer leader");
        }
    }

    private final CuratorFramework client;

    public FencingStore(CuratorFramework client) {
        this.client = client;
    }

    /** The member's current record, read from ZooKeeper itself (not a cache). */
    public Optional<FencingAction> read(MemberId id) {
        try {
            byte[] data = client.getData().forPath(ZkPaths.fencing(id));
            return Optional.of(Json.read(data, FencingAction.class));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (CorruptRecordException e) {
            throw e;
        } catch (Exception e) {
            throw translate("read the fencing record of " + id, e);
        }
    }

    /**
     * Writes {@code action} if {@code epoch} is still current.
     *
     * @throws SupersededException when a newer leader has taken over
     */
    public void write(FencingAction action, long epoch) {
        String path = ZkPaths.fencing(action.id());
        byte[] data = Json.write(action);
        try {
            CuratorOp check = client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH);
            try {
                client.transaction().forOperations(check, client.transactionOp().setData().forPath(path, data));
            } catch (KeeperException.NoNodeException missing) {
                ensureParent(path);
                client.transaction().forOperations(check,
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data));
            }
        } catch (KeeperException.BadVersionException e) {
            throw new SupersededException(epoch);
        } catch (Exception e) {
            throw translate("record the fencing record of " + action.id(), e);
        }
    }

    private void ensureParent(String path) throws Exception {
        String parent = path.substring(0, path.lastIndexOf('/'));
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
