package io.hostwatch.service.detector;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.zk.VerdictStore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership as terms: a {@link LeaderLatch}, and on winning it a new epoch taken from
 * ZooKeeper ({@link VerdictStore#acquireEpoch}). {@link #stepDown(long)} gives a superseded term up
 * at once and rejoins the election. The connection gate is part of it: listeners hear when the
 * ZooKeeper connection is suspended or lost and when it is back.
 *
 * <p>All listener calls are made in order on one executor ({@code hostwatch-leadership}), the
 * same one that runs the latch's callbacks, so a listener never sees "stopped" before "became".
 * Listeners must not block: hand work to your own thread.
 */
public final class LeaderTerm implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderTerm.class);

    /** Term and connection events, called in order on the leadership executor. Must not block. */
    public interface Listener {
        /** This instance leads with {@code epoch} from now on. */
        void becameLeader(long epoch);

        /** This instance no longer leads with {@code epoch}. */
        void stoppedLeading(long epoch);

        /** The ZooKeeper connection was suspended or lost ({@code false}), or is back ({@code true}). */
        default void connectionChanged(boolean connected) {
        }
    }

    private enum Life { LATENT, STARTED, CLOSED }

    private final CuratorFramework client;
    private final VerdictStore store;
    private final String instanceId;
    private final Clock clock;
    private final ExecutorService executor;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Life> life = new AtomicReference<>(Life.LATENT);
    private final ConnectionStateListener connectionListener = (c, state) -> onConnection(state);
    private LeaderLatch latch; // confined to the executor
    private volatile boolean leading;
    private volatile long epoch = -1;
    private volatile Instant leaderSince;
    private volatile boolean connected = true;

    public LeaderTerm(CuratorFramework client, VerdictStore store, String instanceId, Clock clock) {
        this.client = client;
        this.store = store;
        this.instanceId = instanceId;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostwatch-leadership");
            t.setDaemon(true);
            return t;
        });
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Runs {@code changed} (which must not block) after every change of leadership or epoch. */
    public void onChange(Runnable changed) {
        addListener(new Listener() {
            @Override
            public void becameLeader(long epoch) {
                changed.run();
            }

            @Override
            public void stoppedLeading(long epoch) {
                changed.run();
            }
        });
    }

    public void start() {
        if (!life.compareAndSet(Life.LATENT, Life.STARTED)) {
            throw new IllegalStateException("leader term already started");
        }
        client.getConnectionStateListenable().addListener(connectionListener);
        run(this::joinElection);
    }

    /** True while this instance leads with a current epoch; safe from any thread. */
    public boolean isLeader() {
        return leading;
    }

    /** The epoch this instance holds while it leads (else the last one it held, -1 before any). */
    public long epoch() {
        return epoch;
    }

    /** When this instance took its epoch, null while it does not lead. */
    public Instant leaderSince() {
        return leading ? leaderSince : null;
    }

    /** False while the ZooKeeper connection is suspended or lost. */
    public boolean connected() {
        return connected;
    }

    public String instanceId() {
        return instanceId;
    }

    /** The id of the current leader as ZooKeeper knows it, null when unknown. */
    public String leaderId() {
        LeaderLatch l = latch;
        if (l == null) {
            return null;
        }
        try {
            Participant p = l.getLeader();
            return p.isLeader() ? p.getId() : null;
        } catch (Exception e) {
            return null; // not connected: leader unknown
        }
    }

    /** Gives up the term {@code term} at once (its epoch was superseded) and rejoins the election. */
    public void stepDown(long term) {
        run(() -> {
            if (!leading || epoch != term) {
                return;
            }
            stop("epoch " + term + " superseded");
            closeLatch();
            if (life.get() == Life.STARTED) {
                joinElection();
            }
        });
    }

    private void joinElection() {
        LeaderLatch l = new LeaderLatch(client, ZkPaths.LEADER, instanceId);
        l.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                onLeadership(l);
            }

            @Override
            public void notLeader() {
                stop("leader latch says not leader");
            }
        }, executor);
        latch = l;
        try {
            l.start();
        } catch (Exception e) {
            throw new HostwatchException("cannot join the leader election: " + e.getMessage(), e);
        }
    }

    private void onLeadership(LeaderLatch l) {
        if (latch != l || !l.hasLeadership() || life.get() != Life.STARTED) {
            return;
        }
        long taken;
        try {
            taken = store.acquireEpoch(instanceId);
        } catch (HostwatchException e) {
            LOG.warn("won the election but could not take an epoch: {}; stepping down", e.getMessage());
            closeLatch();
            joinElection();
            return;
        }
        epoch = taken;
        leaderSince = clock.instant();
        leading = true;
        LOG.info("{} leads with epoch {}", instanceId, taken);
        listeners.forEach(x -> call(() -> x.becameLeader(taken)));
    }

    private void stop(String why) {
        if (!leading) {
            return;
        }
        leading = false;
        long was = epoch;
        LOG.info("{} no longer leads (epoch {}): {}", instanceId, was, why);
        listeners.forEach(x -> call(() -> x.stoppedLeading(was)));
    }

    private void onConnection(ConnectionState state) {
        boolean now = state.isConnected();
        if (state == ConnectionState.READ_ONLY) {
            now = false;
        }
        boolean ok = now;
        run(() -> {
            if (ok != connected) {
                connected = ok;
                LOG.info("ZooKeeper connection {}: {}", state, ok ? "judging again after a grace"
                        : "no verdicts until it is back");
                listeners.forEach(x -> call(() -> x.connectionChanged(ok)));
            }
        });
    }

    private void closeLatch() {
        LeaderLatch old = latch;
        latch = null;
        if (old == null) {
            return;
        }
        try {
            old.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing leader latch: {}", e.toString());
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(() -> call(task));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            LOG.debug("leadership closed: task dropped");
        }
    }

    private static void call(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("leadership task failed", e);
        }
    }

    @Override
    public void close() {
        if (life.getAndSet(Life.CLOSED) != Life.STARTED) {
            executor.shutdownNow();
            return;
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        CompletableFuture<Void> done = new CompletableFuture<>();
        run(() -> {
            stop("closing");
            closeLatch();
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("closing leadership: {}", e.toString());
        }
        executor.shutdownNow();
    }
}
