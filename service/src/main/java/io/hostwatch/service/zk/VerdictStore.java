package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.EpochRecord;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Epoch-guarded writes of verdicts. A leader first {@link #acquireEpoch takes an epoch} by bumping
 * the version of {@link ZkPaths#EPOCH}; every verdict write is then a multi-op that checks that
 * version, so once another instance has taken a newer epoch the old leader's writes fail with
 * {@link FencedException} and nothing stale lands.
 *
 * <p>A verdict that is a {@linkplain VerdictHistory#isTransition transition} is also appended to
 * the member's history ({@link ZkPaths#history}) in the same multi-op, so a fenced leader writes
 * no history either; right after, the oldest entries beyond {@code historySize} are deleted.
 */
public final class VerdictStore {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictStore.class);

    /** Transitions kept per member when no size is given ({@code history.size}). */
    public static final int DEFAULT_HISTORY_SIZE = 100;

    /** The writer's epoch is no longer current: it must stop acting as leader. */
    public static final class FencedException extends HostwatchException {
        private static final long serialVersionUID = 1L;

        FencedException(long epoch) {
            super("epoch " + epoch + " has been superseded by a newer leader");
        }
    }

    private final CuratorFramework client;
    private final Clock clock;
    private final int historySize;

    public VerdictStore(CuratorFramework client, Clock clock) {
        this(client, clock, DEFAULT_HISTORY_SIZE);
    }

    /** {@code historySize}: transitions kept per member (at least 1). */
    public VerdictStore(CuratorFramework client, Clock clock, int historySize) {
        if (historySize < 1) {
            throw new IllegalArgumentException("history size must be at least 1, not " + historySize);
        }
        this.client = client;
        this.clock = clock;
        this.historySize = historySize;
    }

    /** Transitions kept per member. */
    public int historySize() {
        return historySize;
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
     * Writes a verdict if {@code epoch} is still current, and records it in the member's history
     * when it is a transition from {@code previous} (the member's last published verdict, null
     * for its first), all in one multi-op.
     *
     * @throws FencedException when a newer leader has taken over; then nothing was written
     */
    public void write(Verdict next, Verdict previous, long epoch) {
        write(next, previous, epoch, true);
    }

    /**
     * Like {@link #write(Verdict, Verdict, long)}; with {@code history} false the history entry is
     * left out (its caller writes it on its own, {@link #appendHistory}).
     */
    public void write(Verdict next, Verdict previous, long epoch, boolean history) {
        MemberId id = next.id();
        String path = ZkPaths.verdict(id);
        byte[] data = Json.write(next);
        boolean transition = history && VerdictHistory.isTransition(previous, next);
        try {
            try {
                commit(path, data, transition, id, epoch, false);
            } catch (KeeperException.NoNodeException missing) {
                if (previous != null && client.checkExists().forPath(path) == null
                        && client.checkExists().forPath(ZkPaths.heartbeat(id)) == null) {
                    // Its verdict was deleted while it has no heartbeat: decommissioned; do not bring it back.
                    throw new HostwatchException(id + " was decommissioned: verdict not written");
                }
                // The member's first verdict, or a parent container that ZooKeeper removed.
                ensureParent(path);
                if (transition) {
                    ensureNode(ZkPaths.history(id));
                }
                commit(path, data, transition, id, epoch, client.checkExists().forPath(path) == null);
            }
        } catch (KeeperException.BadVersionException e) {
            throw new FencedException(epoch);
        } catch (Exception e) {
            throw translate("write the verdict of " + id, e);
        }
        if (transition) {
            trimHistory(ZkPaths.history(id));
        }
    }

    /**
     * Like {@link #write(Verdict, Verdict, long)} for a caller that does not keep the previous
     * verdict: it is read from ZooKeeper first (one more round trip).
     */
    public void write(Verdict verdict, long epoch) {
        Verdict previous;
        try {
            previous = Json.read(client.getData().forPath(ZkPaths.verdict(verdict.id())), Verdict.class);
        } catch (KeeperException.NoNodeException none) {
            previous = null;
        } catch (HostwatchException unreadable) {
            previous = null;
        } catch (Exception e) {
            throw translate("read the verdict of " + verdict.id(), e);
        }
        write(verdict, previous, epoch);
    }

    /**
     * Adds {@code data} (the encoded {@code verdict}) to the member's history if {@code epoch} is
     * still current: the history entry of a verdict written without it. Returns false, writing
     * nothing, when the member was decommissioned meanwhile (no verdict node).
     *
     * @throws FencedException when a newer leader has taken over; then nothing was written
     */
    public boolean appendHistory(Verdict verdict, byte[] data, long epoch) {
        MemberId id = verdict.id();
        try {
            try {
                appendEntry(id, data, epoch);
            } catch (KeeperException.NoNodeException missing) {
                if (client.checkExists().forPath(ZkPaths.verdict(id)) == null) {
                    return false;
                }
                ensureNode(ZkPaths.history(id));
                appendEntry(id, data, epoch);
            }
        } catch (KeeperException.BadVersionException e) {
            throw new FencedException(epoch);
        } catch (Exception e) {
            throw translate("add to the history of " + id, e);
        }
        return true;
    }

    private void appendEntry(MemberId id, byte[] data, long epoch) throws Exception {
        client.transaction().forOperations(
                client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(ZkPaths.historyEntryPrefix(id), data));
    }

    private void commit(String path, byte[] data, boolean transition, MemberId id, long epoch, boolean create)
            throws Exception {
        List<CuratorOp> ops = new ArrayList<>(3);
        ops.add(client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH));
        ops.add(create ? client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data)
                : client.transactionOp().setData().forPath(path, data));
        if (transition) {
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(ZkPaths.historyEntryPrefix(id), data));
        }
        client.transaction().forOperations(ops);
    }

    /**
     * Deletes the member's oldest history entries beyond {@code historySize}, in the background so
     * that the detector does not wait for it. Only the oldest are ever deleted, so the newest
     * {@code historySize} survive whoever trims; a failure is logged and the next transition trims again.
     */
    void trimHistory(String dir) {
        try {
            client.getChildren().inBackground((c, event) -> {
                if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
                    LOG.debug("cannot list history {}: {}", dir, KeeperException.Code.get(event.getResultCode()));
                    return;
                }
                List<String> entries = VerdictHistory.oldestFirst(event.getChildren());
                for (int i = 0; i < entries.size() - historySize; i++) {
                    c.delete().inBackground((cc, deleted) -> {
                        int rc = deleted.getResultCode();
                        if (rc != KeeperException.Code.OK.intValue() && rc != KeeperException.Code.NONODE.intValue()) {
                            LOG.debug("cannot trim {}: {}", deleted.getPath(), KeeperException.Code.get(rc));
                        }
                    }).forPath(dir + "/" + entries.get(i));
                }
            }).forPath(dir);
        } catch (Exception e) {
            LOG.warn("cannot trim the history {}: {}", dir, e.toString());
        }
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
            createQuietly(parent, new byte[0], CreateMode.PERSISTENT);
        }
    }

    private void ensureNode(String path) throws Exception {
        if (client.checkExists().forPath(path) == null) {
            createQuietly(path, new byte[0], CreateMode.PERSISTENT);
        }
    }

    private void createQuietly(String path, byte[] data) {
        createQuietly(path, data, CreateMode.PERSISTENT);
    }

    private void createQuietly(String path, byte[] data, CreateMode mode) {
        try {
            client.create().creatingParentContainersIfNeeded().withMode(mode).forPath(path, data);
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
