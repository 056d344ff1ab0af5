package io.hostwatch.client.watch;

import io.hostwatch.client.zk.ZkRetryPolicy;
import io.hostwatch.client.zk.ZkTls;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two {@link CuratorCache}s (verdicts and members) whose storage reports every read to one
 * single-threaded executor. All state below the "confined" line is touched only on that thread;
 * a read is delivered when its creation or modification zxid differs from what was delivered
 * last, which makes re-reads (after a reconnection) silent and changes missed meanwhile visible.
 */
final class VerdictSubscriberImpl implements VerdictSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictSubscriberImpl.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    /** A record as last read, with the zxids that identify that version of its znode. */
    private record Known<T>(long czxid, long mzxid, T value) {
        boolean sameOrNewerThan(ChildData node) {
            return czxid == node.getStat().getCzxid() && mzxid >= node.getStat().getMzxid();
        }
    }

    private final CuratorFramework client;
    private final boolean ownsClient;
    private final VerdictListener listener;
    private final CuratorCache verdictCache;
    private final CuratorCache memberCache;
    private final ExecutorService executor;
    /** Runs the owned client's "runSafe" notifications; Curator does not shut its own default down. */
    private final ExecutorService curatorNotifier;
    private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
    private final CountDownLatch delivered = new CountDownLatch(1);
    private final ConnectionStateListener connectionListener;
    private final ConcurrentSkipListMap<MemberId, Verdict> verdictView = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<MemberId, MemberRegistration> memberView = new ConcurrentSkipListMap<>();
    private volatile Thread deliveryThread;

    // ---- confined to the executor thread ----
    private final Map<MemberId, Known<Verdict>> verdicts = new HashMap<>();
    private final Map<MemberId, Known<MemberRegistration>> members = new HashMap<>();
    private int cachesInitialized;
    private boolean ready;

    VerdictSubscriberImpl(CuratorFramework client, String connectString, Duration sessionTimeout,
                          Duration connectionTimeout, String group, VerdictListener listener, ZkTls tls) {
        String name = "hostwatch-subscriber-" + INSTANCES.incrementAndGet();
        this.ownsClient = client == null;
        this.curatorNotifier = ownsClient ? Executors.newSingleThreadExecutor(task -> daemon(task, name + "-curator"))
                : null;
        this.client = ownsClient ? CuratorFrameworkFactory.builder().connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) connectionTimeout.toMillis())
                .retryPolicy(ZkRetryPolicy.create())
                .zkClientConfig(ZkTls.clientConfig(Optional.ofNullable(tls)))
                .runSafeService(curatorNotifier).build() : client;
        this.listener = listener;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread t = daemon(task, name);
            deliveryThread = t;
            return t;
        });
        this.verdictCache = cache(group == null ? ZkPaths.VERDICTS : ZkPaths.verdictGroup(group), true);
        this.memberCache = cache(group == null ? ZkPaths.MEMBERS : ZkPaths.memberGroup(group), false);
        this.connectionListener = (c, newState) -> submit(() -> listener.connectionChanged(newState));
    }

    private static Thread daemon(Runnable task, String name) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    private CuratorCache cache(String path, boolean verdict) {
        CuratorCache cache = CuratorCache.builder(client, path)
                .withStorage(new NotifyingStorage(new NotifyingStorage.Sink() {
                    @Override
                    public void read(ChildData node) {
                        submit(() -> onRead(verdict, node));
                    }

                    @Override
                    public void dropped(String nodePath) {
                        submit(() -> onDropped(verdict, nodePath));
                    }
                }))
                .withExceptionHandler(e -> LOG.warn("watching {}: {}", path, e.toString()))
                .build();
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forInitialized(() -> submit(this::onCacheInitialized)).build());
        return cache;
    }

    @Override
    public void start() {
        if (!state.compareAndSet(State.LATENT, State.STARTED)) {
            throw new IllegalStateException("subscriber is " + state.get() + ": it can be started once");
        }
        if (ownsClient) {
            client.start();
        }
        client.getConnectionStateListenable().addListener(connectionListener);
        verdictCache.start();
        memberCache.start();
    }

    @Override
    public boolean awaitInitialized(Duration timeout) {
        try {
            return delivered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public VerdictSnapshot snapshot() {
        return new VerdictSnapshot(verdictView, memberView);
    }

    @Override
    public State state() {
        return state.get();
    }

    @Override
    public void close() {
        State was = state.getAndSet(State.CLOSED);
        if (was == State.CLOSED) {
            return;
        }
        if (was == State.STARTED) {
            verdictCache.close();
            memberCache.close();
            client.getConnectionStateListenable().removeListener(connectionListener);
        }
        executor.shutdown();
        if (Thread.currentThread() != deliveryThread) {
            try {
                if (!executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                    LOG.warn("a listener callback did not return within {} ms of close(); interrupting it",
                            CLOSE_WAIT_MILLIS);
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (ownsClient) {
            client.close();
            curatorNotifier.shutdown();
        }
    }

    private void submit(Runnable task) {
        if (state.get() != State.STARTED) {
            return;
        }
        try {
            executor.execute(() -> {
                if (state.get() != State.STARTED) {
                    return; // close() was called: nothing more is delivered
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("verdict listener failed", e);
                }
            });
        } catch (RejectedExecutionException closed) {
            // closed meanwhile: nothing more is delivered
        }
    }

    // ---- on the executor thread ----

    private void onCacheInitialized() {
        if (++cachesInitialized == 2) {
            ready = true;
            listener.initialized(snapshot());
            delivered.countDown();
        }
    }

    private void onRead(boolean verdict, ChildData node) {
        if (verdict) {
            ZkPaths.parse(ZkPaths.VERDICTS, node.getPath()).ifPresent(id -> verdictRead(id, node));
        } else {
            ZkPaths.parseHeartbeat(node.getPath()).ifPresent(id -> memberRead(id, node));
        }
    }

    private void onDropped(boolean verdict, String path) {
        if (verdict) {
            ZkPaths.parse(ZkPaths.VERDICTS, path).ifPresent(id -> {
                Known<Verdict> last = verdicts.remove(id);
                verdictView.remove(id);
                if (last != null && ready) {
                    listener.verdictRemoved(last.value());
                }
            });
        } else {
            ZkPaths.parseHeartbeat(path).ifPresent(id -> {
                Known<MemberRegistration> last = members.remove(id);
                memberView.remove(id);
                if (last != null && ready) {
                    listener.memberLeft(last.value());
                }
            });
        }
    }

    private void verdictRead(MemberId id, ChildData node) {
        Known<Verdict> last = verdicts.get(id);
        if (last != null && last.sameOrNewerThan(node)) {
            return;
        }
        Optional<Verdict> read = decode(node, Verdict.class);
        if (read.isEmpty() || !id.equals(read.get().id())) {
            return;
        }
        Verdict now = read.get();
        verdicts.put(id, new Known<>(node.getStat().getCzxid(), node.getStat().getMzxid(), now));
        verdictView.put(id, now);
        if (ready) {
            listener.verdictChanged(last == null ? null : last.value(), now);
        }
    }

    private void memberRead(MemberId id, ChildData node) {
        Known<MemberRegistration> last = members.get(id);
        if (last != null && last.sameOrNewerThan(node)) {
            return;
        }
        Optional<MemberRegistration> read = decode(node, MemberRegistration.class);
        if (read.isEmpty() || !id.equals(read.get().id())) {
            return;
        }
        MemberRegistration now = read.get();
        members.put(id, new Known<>(node.getStat().getCzxid(), node.getStat().getMzxid(), now));
        memberView.put(id, now);
        if (!ready) {
            return;
        }
        if (last == null) {
            listener.memberJoined(now);
        } else if (last.czxid() != node.getStat().getCzxid()) {
            // A new heartbeat znode replaced the one we knew while we were not looking.
            listener.memberLeft(last.value());
            listener.memberJoined(now);
        }
        // Same znode, new data (the agent marked itself leaving): kept for memberLeft.
    }

    private static <T> Optional<T> decode(ChildData node, Class<T> type) {
        try {
            return Optional.of(Json.read(node.getData(), type));
        } catch (HostwatchException e) {
            LOG.warn("ignoring unreadable {} at {}: {}", type.getSimpleName(), node.getPath(), e.getMessage());
            return Optional.empty();
        }
    }
}
