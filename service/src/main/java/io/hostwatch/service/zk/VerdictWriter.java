package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's one guarded writer. Verdicts are queued and written many at a time: each batch is
 * one asynchronous multi-op that starts with a check of the leader's epoch and holds up to
 * {@link WriteLanes#MAX_BATCH_OPS} operations and {@link WriteLanes#MAX_BATCH_BYTES} bytes (well
 * under ZooKeeper's 1 MiB packet limit). Several batches are in flight at once on the one session
 * ({@link WriteLanes}), which ZooKeeper applies in the order they were sent, and each lane is taken
 * in its order, so a member's verdicts land in the order they were asked for. Each call returns a
 * future that completes when its write is durable, or exceptionally: {@link VerdictStore.FencedException}
 * when the epoch was superseded (nothing of the batch was written).
 *
 * <p>A batch that fails for another reason (a first verdict whose znode already exists, a member
 * decommissioned meanwhile, a missing container) is written again one verdict at a time through
 * {@link VerdictStore}, which sorts those cases out. History entries go in the verdict's own
 * operations; trimming old entries is counted per member and done in the background once every
 * {@code historySize} transitions, never on the critical path.
 *
 * <p>{@code SUSPECT} is urgent: it is the first sign of a loss and must not wait behind final
 * verdicts and other writes. {@link WriteLanes} decides the order and the batches: a
 * {@code SUSPECT} for a member with no write of its own waiting goes into a lane that is always
 * sent first and has a slot in flight of its own; one for a member with a write waiting
 * joins the ordinary lane behind it, so a member's writes are still sent in the order asked.
 *
 * <p>A {@code SUSPECT} is sent without its history entry: the entry is a write of its own, queued
 * in the ordinary lane at the same moment, so it lands before any later write of the member (its
 * final verdict included) but does not weigh on the urgent batches. In a burst of losses that
 * halves the operations ZooKeeper applies before the {@code SUSPECT}s are visible, and takes out
 * the dearer half (a sequential create against a {@code setData}).
 */
public final class VerdictWriter implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictWriter.class);

    private final CuratorFramework client;
    private final VerdictStore store;
    private final int historySize;
    private final ExecutorService executor;
    private final WriteLanes lanes = new WriteLanes(); // guarded by itself
    private boolean pumping; // guarded by lanes
    private long sent; // writer thread only
    private final Map<MemberId, Long> lastSent = new ConcurrentHashMap<>();
    private final Set<String> groupsReady = ConcurrentHashMap.newKeySet();
    private final Set<MemberId> historyReady = ConcurrentHashMap.newKeySet();
    private final Map<MemberId, Integer> sinceTrim = new ConcurrentHashMap<>();

    /**
     * Told of every verdict write: {@link #sending} before it is sent, {@link #settled} once when it
     * is acknowledged, failed or handed to the one-by-one path. {@code stat} is the node's new
     * {@link Stat} when this writer's {@code setData} wrote it, else null (a create, a failure, a
     * write whose outcome is not known here). Called on the writer's or Curator's event thread:
     * must not block.
     */
    public interface Echo {
        void sending(String path);

        /** {@code verdict} is what {@code data} encodes (the node's content when {@code stat} is not null). */
        void settled(String path, Verdict verdict, byte[] data, Stat stat);
    }

    private static final Echo NO_ECHO = new Echo() {
        @Override
        public void sending(String path) {
        }

        @Override
        public void settled(String path, Verdict verdict, byte[] data, Stat stat) {
        }
    };

    private final Echo echo;

    public VerdictWriter(CuratorFramework client, VerdictStore store) {
        this(client, store, NO_ECHO);
    }

    /** A writer that tells {@code echo} (the {@link ClusterView}'s verdict cache) what it writes. */
    public VerdictWriter(CuratorFramework client, VerdictStore store, Echo echo) {
        this.echo = echo;
        this.client = client;
        this.store = store;
        this.historySize = store.historySize();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostwatch-verdict-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes {@code next} (replacing {@code previous}, null for a first verdict) under {@code epoch}. */
    public CompletableFuture<Void> publish(Verdict next, Verdict previous, long epoch) {
        byte[] data = Json.write(next);
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (next.state() != State.SUSPECT || !VerdictHistory.isTransition(previous, next)) {
            return enqueue(new PendingWrite(next, previous, null, epoch, data, done));
        }
        // The verdict alone (urgent), its history entry behind it in the ordinary lane; the caller
        // waits for the verdict only.
        PendingWrite verdict = new PendingWrite(next, previous, null, epoch, data, done, PendingWrite.Part.VERDICT);
        PendingWrite history = new PendingWrite(next, previous, null, epoch, data, new CompletableFuture<>(),
                PendingWrite.Part.HISTORY);
        history.done().whenComplete((ok, e) -> {
            if (e != null) {
                LOG.debug("history entry of {} ({}) not written: {}", next.id(), next.state(), e.toString());
            }
        });
        synchronized (lanes) {
            lanes.add(verdict);
            lanes.add(history);
            kick();
        }
        return done;
    }

    /** Writes a group's brake record under {@code epoch}, in order with the verdicts. */
    public CompletableFuture<Void> writeBrake(BrakeRecord record, long epoch) {
        return enqueue(new PendingWrite(null, null, record, epoch, new byte[0], new CompletableFuture<>()));
    }

    /** Writes waiting or in flight. */
    public int backlog() {
        synchronized (lanes) {
            return lanes.backlog();
        }
    }

    private CompletableFuture<Void> enqueue(PendingWrite p) {
        synchronized (lanes) {
            lanes.add(p);
            kick();
        }
        return p.done();
    }

    /** With the lanes' lock held: makes sure the pump runs when there is a batch that may be sent. */
    private void kick() {
        if (pumping || !lanes.ready()) {
            return;
        }
        pumping = true;
        try {
            executor.execute(this::pump);
        } catch (RejectedExecutionException closed) {
            pumping = false;
            List<PendingWrite> dropped = lanes.drainAll();
            dropped.forEach(x -> x.done().completeExceptionally(new HostwatchException("verdict writer closed")));
        }
    }

    /** On the writer thread: sends batches while {@link WriteLanes} has one that may be sent. */
    private void pump() {
        while (true) {
            List<PendingWrite> batch;
            synchronized (lanes) {
                batch = lanes.next();
                if (batch.isEmpty()) {
                    pumping = false;
                    return;
                }
            }
            if (batch.get(0).brake() != null) {
                oneByOne(batch, -1);
                release();
                continue;
            }
            long seq = ++sent;
            for (PendingWrite p : batch) {
                if (p.writesVerdict()) {
                    lastSent.put(p.next().id(), seq);
                    echo.sending(ZkPaths.verdict(p.next().id()));
                }
            }
            try {
                send(batch, seq);
            } catch (Exception e) {
                LOG.debug("batch of {} not sent ({}); writing one by one", batch.size(), e.toString());
                settleUnknown(batch);
                oneByOne(batch, seq);
                release();
            }
        }
    }

    private void release() {
        synchronized (lanes) {
            lanes.done();
            kick();
        }
    }

    private void send(List<PendingWrite> batch, long seq) throws Exception {
        long epoch = batch.get(0).epoch();
        List<CuratorOp> ops = new ArrayList<>(batch.size() * 2 + 1);
        ops.add(client.transactionOp().check().withVersion((int) epoch).forPath(ZkPaths.EPOCH));
        for (PendingWrite p : batch) {
            MemberId id = p.next().id();
            prepare(id, p.writesHistory());
            if (p.writesVerdict()) {
                String path = ZkPaths.verdict(id);
                ops.add(p.previous() == null ? client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                        .forPath(path, p.data()) : client.transactionOp().setData().forPath(path, p.data()));
            }
            if (p.writesHistory()) {
                ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(ZkPaths.historyEntryPrefix(id), p.data()));
            }
        }
        client.transaction().inBackground((c, event) -> completed(batch, seq, event)).forOperations(ops);
    }

    /**
     * Makes sure the group's containers exist (once per group, waiting) and asks for the member's
     * history container (once per member, not waiting: the session's order puts it before the batch).
     */
    private void prepare(MemberId id, boolean transition) throws Exception {
        if (groupsReady.add(id.group())) {
            for (String dir : List.of(ZkPaths.verdictGroup(id.group()), ZkPaths.historyGroup(id.group()))) {
                try {
                    // PERSISTENT with the service's ACL: an emptied container could be re-created by anyone.
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(dir);
                } catch (KeeperException.NodeExistsException exists) {
                    // fine
                }
            }
        }
        if (transition && historyReady.add(id)) {
            client.create().withMode(CreateMode.PERSISTENT).inBackground((c, e) -> {
                int rc = e.getResultCode();
                if (rc != KeeperException.Code.OK.intValue() && rc != KeeperException.Code.NODEEXISTS.intValue()) {
                    historyReady.remove(id);
                }
            }).forPath(ZkPaths.history(id));
        }
    }

    private void completed(List<PendingWrite> batch, long seq, CuratorEvent event) {
        if (event.getResultCode() == KeeperException.Code.OK.intValue()) {
            settle(batch, event.getOpResults());
            for (PendingWrite p : batch) {
                p.done().complete(null);
                if (p.writesHistory()) {
                    counted(p.next().id());
                }
            }
            release();
            return;
        }
        settleUnknown(batch);
        List<CuratorTransactionResult> results = event.getOpResults();
        boolean fenced = results != null && !results.isEmpty()
                && results.get(0).getError() == KeeperException.Code.BADVERSION.intValue();
        if (fenced) {
            VerdictStore.FencedException e = new VerdictStore.FencedException(batch.get(0).epoch());
            batch.forEach(p -> p.done().completeExceptionally(e));
            release();
            return;
        }
        LOG.debug("batch of {} failed ({}); writing one by one", batch.size(),
                KeeperException.Code.get(event.getResultCode()));
        try {
            executor.execute(() -> {
                oneByOne(batch, seq);
                release();
            });
        } catch (RejectedExecutionException closed) {
            batch.forEach(p -> p.done().completeExceptionally(new HostwatchException("verdict writer closed")));
        }
    }

    /** Tells the echo each verdict's new {@link Stat} where a {@code setData} of the batch gave one. */
    private void settle(List<PendingWrite> batch, List<CuratorTransactionResult> results) {
        Map<String, Stat> stats = new java.util.HashMap<>();
        if (results != null) {
            for (CuratorTransactionResult r : results) {
                if (r.getType() == org.apache.curator.framework.api.transaction.OperationType.SET_DATA
                        && r.getResultStat() != null) {
                    stats.put(r.getForPath(), r.getResultStat());
                }
            }
        }
        Map<String, PendingWrite> last = new java.util.HashMap<>();
        batch.stream().filter(PendingWrite::writesVerdict).forEach(p -> last.put(ZkPaths.verdict(p.next().id()), p));
        for (PendingWrite p : batch) {
            if (!p.writesVerdict()) {
                continue;
            }
            String path = ZkPaths.verdict(p.next().id());
            // of several writes to one node in a batch, the node holds the last one's data
            PendingWrite written = last.get(path);
            echo.settled(path, written.next(), written.data(), p.previous() == null ? null : stats.get(path));
        }
    }

    private void settleUnknown(List<PendingWrite> batch) {
        batch.stream().filter(PendingWrite::writesVerdict)
                .forEach(p -> echo.settled(ZkPaths.verdict(p.next().id()), p.next(), p.data(), null));
    }

    /**
     * Writes each of {@code batch} on its own (the rare path), on the writer thread. A verdict for
     * which a later batch was already sent is not written again: the later one is newer.
     */
    private void oneByOne(List<PendingWrite> batch, long seq) {
        for (PendingWrite p : batch) {
            try {
                if (p.brake() != null) {
                    store.writeBrake(p.brake(), p.epoch());
                } else if (!p.writesVerdict()) {
                    if (store.appendHistory(p.next(), p.data(), p.epoch())) {
                        counted(p.next().id());
                    }
                } else if (seq >= 0 && lastSent.getOrDefault(p.next().id(), seq) > seq) {
                    throw new HostwatchException("verdict of " + p.next().id() + " superseded by a later write");
                } else {
                    historyReady.remove(p.next().id());
                    store.write(p.next(), p.previous(), p.epoch(), p.part() == PendingWrite.Part.WHOLE);
                }
                p.done().complete(null);
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
    }

    /** Counts a history entry; every {@code historySize} entries the member's history is trimmed in the background. */
    private void counted(MemberId id) {
        int n = sinceTrim.merge(id, 1, Integer::sum);
        if (n >= historySize) {
            sinceTrim.remove(id);
            store.trimHistory(ZkPaths.history(id));
        }
    }

    /** Forgets what it knows of a member (decommissioned). */
    public void forget(MemberId id) {
        historyReady.remove(id);
        sinceTrim.remove(id);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        List<PendingWrite> dropped;
        synchronized (lanes) {
            dropped = lanes.drainAll();
        }
        dropped.forEach(p -> p.done().completeExceptionally(new HostwatchException("verdict writer closed")));
    }
}
