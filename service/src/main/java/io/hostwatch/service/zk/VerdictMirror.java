package io.hostwatch.service.zk;

import io.hostwatch.schema.Verdict;
import java.io.Closeable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of one subtree (the published verdicts) that does not read back what this instance's
 * {@link VerdictWriter} wrote: like Curator's {@code CuratorCache} (a persistent recursive watch,
 * the node read on each change, the whole tree read again when the watch is reset), but a change
 * that the writer's own {@code setData} explains is taken from the writer's acknowledgement, which
 * carries the new {@link Stat}, instead of being read. On the leader that halves the requests a
 * burst of verdicts puts through ZooKeeper's one request queue, where the subscribers' reads of the
 * new verdicts wait.
 *
 * <p>Someone else's write is never taken for the writer's own: ZooKeeper tells this session of a
 * change before it answers the write that made it, so every own write's change arrives while that
 * write is {@linkplain #sending in flight}. Changes seen while writes to the node are in flight are
 * counted; when the last of them is {@linkplain #settled settled}, the node is read if more changes
 * arrived than own {@code setData}s succeeded (a foreign write, a create, a failed write). A change
 * seen while no own write is in flight is read at once. Should the acknowledgement ever come first,
 * the change is read: a read too many, never one too few.
 *
 * <p>Every node passes through {@code storage} ({@link ZxidStorage}), which reports what is new.
 */
final class VerdictMirror implements VerdictWriter.Echo, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictMirror.class);

    private final CuratorFramework client;
    private final String root;
    private final ZxidStorage storage;
    private final Consumer<ChildData> deleted;
    private final Runnable initialized;
    private final PersistentWatcher watcher;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicBoolean initDone = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    /** Per node: own writes in flight, changes seen meanwhile, own setDatas acknowledged meanwhile. */
    private final Map<String, int[]> inFlight = new HashMap<>(); // guarded by this
    private final AtomicInteger reads = new AtomicInteger();

    VerdictMirror(CuratorFramework client, String root, ZxidStorage storage, Consumer<ChildData> deleted,
                  Runnable initialized) {
        this.client = client;
        this.root = root;
        this.storage = storage;
        this.deleted = deleted;
        this.initialized = initialized;
        this.watcher = new PersistentWatcher(client, root, true);
        watcher.getListenable().addListener(this::event);
        watcher.getResetListenable().addListener(this::rebuild);
    }

    void start() {
        if (started.compareAndSet(false, true)) {
            watcher.start(); // its reset (now and after every reconnection) reads the tree
        }
    }

    /**
     * A node taken from the writer's acknowledgement, with the {@link Verdict} its data encodes:
     * the cache's listener need not decode again what the writer has just encoded.
     */
    static final class Decoded extends ChildData {
        private final Verdict verdict;

        Decoded(String path, Stat stat, byte[] data, Verdict verdict) {
            super(path, stat, data);
            this.verdict = verdict;
        }

        Verdict verdict() {
            return verdict;
        }
    }

    /** Changes of a node seen while own writes to it are in flight (tests). */
    synchronized int pendingChanges(String path) {
        int[] c = inFlight.get(path);
        return c == null ? 0 : c[1];
    }

    /** Nodes read from ZooKeeper so far (tests). */
    int reads() {
        return reads.get();
    }

    @Override
    public void sending(String path) {
        synchronized (this) {
            inFlight.computeIfAbsent(path, p -> new int[3])[0]++;
        }
    }

    @Override
    public void settled(String path, Verdict verdict, byte[] data, Stat stat) {
        if (stat != null && !closed) {
            put(verdict != null ? new Decoded(path, stat, data, verdict) : new ChildData(path, stat, data));
        }
        boolean read;
        synchronized (this) {
            int[] c = inFlight.get(path);
            if (c == null) {
                return;
            }
            c[0]--;
            if (stat != null) {
                c[2]++;
            }
            if (c[0] > 0) {
                return;
            }
            inFlight.remove(path);
            read = c[1] > c[2];
        }
        if (read) {
            read(path);
        }
    }

    private void event(WatchedEvent event) {
        String path = event.getPath();
        if (closed || path == null) {
            return;
        }
        switch (event.getType()) {
            case NodeCreated, NodeDataChanged -> {
                synchronized (this) {
                    int[] c = inFlight.get(path);
                    if (c != null) {
                        c[1]++; // decided when the writes in flight settle
                        return;
                    }
                }
                read(path);
            }
            case NodeDeleted -> remove(path);
            default -> {
            }
        }
    }

    /** Reads the whole tree again: at the start and whenever the watch was reset (a reconnection). */
    private void rebuild() {
        if (closed) {
            return;
        }
        read(root);
        storage.stream().map(ChildData::getPath).filter(p -> !p.equals(root)).forEach(this::read);
    }

    private void read(String path) {
        if (closed) {
            return;
        }
        outstanding.incrementAndGet();
        reads.incrementAndGet();
        try {
            client.getData().inBackground((c, e) -> {
                try {
                    if (e.getResultCode() == KeeperException.Code.OK.intValue()) {
                        ChildData before = storage.get(path).orElse(null);
                        put(new ChildData(path, e.getStat(), e.getData()));
                        if (e.getStat().getNumChildren() > 0
                                && (before == null || before.getStat().getCversion() != e.getStat().getCversion())) {
                            children(path);
                        }
                    } else if (e.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                        remove(path);
                    } else {
                        LOG.debug("reading {} failed: {}", path, KeeperException.Code.get(e.getResultCode()));
                    }
                } finally {
                    done();
                }
            }).forPath(path);
        } catch (Exception e) {
            done();
            LOG.debug("reading {} failed: {}", path, e.toString());
        }
    }

    private void children(String path) {
        outstanding.incrementAndGet();
        try {
            client.getChildren().inBackground((c, e) -> {
                try {
                    if (e.getResultCode() == KeeperException.Code.OK.intValue()) {
                        List<String> names = e.getChildren();
                        names.forEach(child -> read(ZKPaths.makePath(path, child)));
                    }
                } finally {
                    done();
                }
            }).forPath(path);
        } catch (Exception e) {
            done();
            LOG.debug("listing {} failed: {}", path, e.toString());
        }
    }

    private void done() {
        if (outstanding.decrementAndGet() == 0 && initDone.compareAndSet(false, true) && !closed) {
            initialized.run();
        }
    }

    /** Stores a node unless an equal or newer version of it is stored already. */
    private void put(ChildData data) {
        synchronized (storage) {
            ChildData stored = storage.get(data.getPath()).orElse(null);
            if (stored != null && stored.getStat().getMzxid() > data.getStat().getMzxid()) {
                return;
            }
            storage.put(data);
        }
    }

    private void remove(String path) {
        ChildData removed;
        synchronized (storage) {
            removed = storage.remove(path).orElse(null);
        }
        if (removed != null && !closed) {
            deleted.accept(removed);
        }
    }

    /** The nodes held now (tests). */
    Map<String, ChildData> snapshot() {
        Map<String, ChildData> out = new HashMap<>();
        storage.stream().forEach(d -> out.put(d.getPath(), d));
        return out;
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the watch of {}: {}", root, e.toString());
        }
    }
}
