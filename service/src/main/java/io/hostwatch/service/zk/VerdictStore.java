package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.EpochRecord;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Epoch-guarded writes of verdicts. A leader first {@link #acquireEpoch takes an epoch} by bumping
 * the version of {@link ZkPaths#EPOCH}; every verdict write is then a multi-op that checks that
 * version, so once another instance has taken a newer epoch the old leader's writes fail with
 * {@link FencedException} and nothing stale lands.
 */
public final class VerdictStore {
    /** The writer's epoch is no longer current: it must stop acting as leader. */
    public static final class FencedException extends HostwatchException {
        private static final long serialVersionUID = 1L;

        FencedException(long epoch) {
            super("epoch " + epoch + " has been superseded by a newer leader");
        }
    }

    private final CuratorFramework client;
    private final Clock clock;

    public VerdictStore(CuratorFramework client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Takes the next epoch for {@code leader}; the returned number is the epoch znode's new version. */
    public long acquireEpoch(String leader) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Stat stat = new Stat();
            try {
                client.getData().storingStatIn(stat).forPath(ZkPaths.EPOCH);
            } catch (KeeperException.NoNodeException e) {
                createQuietly(ZkPaths.EPOCH, Json.write(new EpochRecord(0, null, clock.instant())));
                continue;
            } catch (Exception e) {
                throw translate("read the epoch", e);
            }
            int next = stat.getVersion() + 1;
            try {
                Stat written = client.setData().withVersion(stat.getVersion())
                        .forPath(ZkPaths.EPOCH, Json.write(new EpochRecord(next, leader, clock.instant())));
                return written.getVersion();
            } catch (KeeperException.BadVersionException raced) {
                // another instance bumped it between our read and write: read again
            } catch (Exception e) {
                throw translate("take an epoch", e);
            }
        }
        throw new HostwatchException("could not take an epoch: the epoch znode keeps changing");
    }

    /** The current epoch (the epoch znode's version), or -1 when none was ever taken. */
    public long currentEpoch() {
        try {
            Stat stat = client.checkExists().forPath(ZkPaths.EPOCH);
            return stat == null ? -1 : stat.getVersion();
        } catch (Exception e) {
            throw translate("read the epoch", e);
        }
    }

    /**
     * Writes a verdict if {@code epoch} is still current.
     *
     * @throws FencedException when a newer leader has taken over
     */
    public void write(Verdict verdict, long epoch) {
        guardedWrite(ZkPaths.verdict(verdict.id()), Json.write(verdict), epoch, "the verdict of " + verdict.id());
    }

    /**
     * Engages (or updates) a group's mass-failure brake, if {@code epoch} is still current.
     *
     * @throws FencedException when a newer leader has taken over
     */
    public void writeBrake(BrakeRecord brake, long epoch) {
        guardedWrite(ZkPaths.brake(brake.group()), Json.write(brake), epoch, "the brake of " + brake.group());
    }

    private void guardedWrite(String path, byte[] data, long epoch, String what) {
        try {
            CuratorOp check = client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH);
            try {
                client.transaction().forOperations(check,
                        client.transactionOp().setData().forPath(path, data));
            } catch (KeeperException.NoNodeException missing) {
                ensureParent(path);
                client.transaction().forOperations(check,
                        client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data));
            }
        } catch (KeeperException.BadVersionException e) {
            throw new FencedException(epoch);
        } catch (Exception e) {
            throw translate("write " + what, e);
        }
    }

    private void ensureParent(String path) throws Exception {
        String parent = path.substring(0, path.lastIndexOf('/'));
        if (client.checkExists().forPath(parent) == null) {
            createQuietly(parent, new byte[0]);
        }
    }

    private void createQuietly(String path, byte[] data) {
        try {
            client.create().creatingParentContainersIfNeeded().forPath(path, data);
        } catch (KeeperException.NodeExistsException ignored) {
            // created concurrently: fine
        } catch (Exception e) {
            throw translate("create " + path, e);
        }
    }

    static HostwatchException translate(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        if (e instanceof HostwatchException he) {
            return he;
        }
        return new HostwatchException("cannot " + what + ": " + e.getMessage(), e);
    }
}
