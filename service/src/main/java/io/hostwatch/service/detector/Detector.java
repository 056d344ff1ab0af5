package io.hostwatch.service.detector;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.core.FlapDamper;
import io.hostwatch.service.core.MassFailureBrake;
import io.hostwatch.service.core.Observation;
import io.hostwatch.service.core.VerdictClassifier;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictStore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-elected detector. Every service instance runs one; the {@link LeaderLatch} picks the
 * one that judges. On winning, it takes a new epoch; from then on, when a member's heartbeat
 * znode disappears it publishes {@code SUSPECT}, pings the host and judges its storage
 * heartbeat, and publishes the classified verdict, every write guarded by its epoch.
 *
 * <p>Guards: no verdict while this instance's ZooKeeper connection is suspended or lost; after
 * taking leadership or reconnecting, members that were already missing are judged only after
 * one session timeout; a write rejected by the epoch check makes it step down at once.
 *
 * <p>All state is confined to one ordered thread ({@code hostwatch-detector}); listeners only
 * hand events to it.
 */
public final class Detector implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Detector.class);

    private enum Life { LATENT, STARTED, CLOSED }

    private final CuratorFramework client;
    private final ClusterView view;
    private final VerdictStore store;
    private final PingProbe ping;
    private final StorageObserver storage;
    private final SelfCheck selfCheck;
    private final DetectorSettings settings;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final String instanceId;
    private final ScheduledExecutorService executor;
    private final AtomicReference<Life> life = new AtomicReference<>(Life.LATENT);

    // Confined to the executor thread.
    private final Map<MemberId, Verdict> published = new HashMap<>();
    private final Map<MemberId, MemberRegistration> lastSeen = new HashMap<>();
    private final Set<MemberId> judging = new HashSet<>();
    private final Set<String> brakesEngaged = new HashSet<>();
    private final Map<MemberId, Long> lostAt = new HashMap<>();
    private final MassFailureBrake brake;
    private final FlapDamper flaps;
    private LeaderLatch latch;
    private long graceUntilNanos;

    // Read by status() from other threads.
    private volatile boolean leading;
    private volatile long epoch = -1;
    private volatile Instant leaderSince;
    private volatile boolean connected = true;

    public Detector(CuratorFramework client, ClusterView view, VerdictStore store, PingProbe ping,
                    StorageObserver storage, SelfCheck selfCheck, DetectorSettings settings, Clock clock,
                    LongSupplier nanoTime, String instanceId) {
        this.client = client;
        this.view = view;
        this.store = store;
        this.ping = ping;
        this.storage = storage;
        this.selfCheck = selfCheck;
        this.settings = settings;
        this.brake = new MassFailureBrake(settings.brakeThreshold(), settings.brakeMinMembers(),
                settings.brakeWindow().toNanos());
        this.flaps = new FlapDamper(settings.flapThreshold(), settings.flapWindow().toNanos(),
                settings.flapHoldDown().toNanos());
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.instanceId = instanceId;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hostwatch-detector");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        if (!life.compareAndSet(Life.LATENT, Life.STARTED)) {
            throw new IllegalStateException("detector already started");
        }
        client.getConnectionStateListenable().addListener((c, state) -> onConnection(state));
        view.addListener(new ClusterView.Listener() {
            @Override
            public void joined(MemberId id, MemberRegistration registration) {
                storage.track(id);
                submit(() -> onJoined(id, registration));
            }

            @Override
            public void left(MemberId id, MemberRegistration last) {
                submit(() -> onLeft(id, last));
            }

            @Override
            public void maintenanceChanged(MemberId id) {
                submit(() -> reevaluate(id));
            }

            @Override
            public void brakeChanged(String group) {
                submit(() -> onBrakeChanged(group));
            }
        });
        submit(() -> {
            latch = newLatch();
            startLatch(latch);
        });
        long recheck = settings.recheckInterval().toMillis();
        executor.scheduleWithFixedDelay(this::recheck, recheck, recheck, TimeUnit.MILLISECONDS);
    }

    /** True while this instance leads with a current epoch; safe from any thread. */
    public boolean isLeader() {
        return leading;
    }

    /** The epoch this instance holds while it leads (else the last one it held, -1 before any). */
    public long epoch() {
        return epoch;
    }

    /** A snapshot for the REST API and health checks; safe from any thread. */
    public DetectorStatus status() {
        String leaderId = null;
        LeaderLatch l = latch;
        if (l != null) {
            try {
                Participant p = l.getLeader();
                leaderId = p.isLeader() ? p.getId() : null;
            } catch (Exception e) {
                leaderId = null; // not connected: leader unknown
            }
        }
        return new DetectorStatus(instanceId, leading, leaderId, epoch, leading ? leaderSince : null,
                client.getZookeeperClient().isConnected() ? "CONNECTED" : "DISCONNECTED",
                leading && connected && nanoTime.getAsLong() - graceUntilNanos >= 0,
                view.registrations().size() + (int) view.verdicts().keySet().stream()
                        .filter(id -> view.registration(id).isEmpty()).count(),
                ping.usesIcmp() ? "icmp+tcp" : "tcp", selfCheck.status(), engagedBrakes());
    }

    private java.util.SortedMap<String, BrakeRecord> engagedBrakes() {
        java.util.SortedMap<String, BrakeRecord> out = new java.util.TreeMap<>();
        view.brakes().forEach((g, b) -> {
            if (b.engaged()) {
                out.put(g, b);
            }
        });
        return out;
    }

    private LeaderLatch newLatch() {
        LeaderLatch l = new LeaderLatch(client, ZkPaths.LEADER, instanceId);
        l.addListener(new LeaderLatchListener() {
            @Override
            public void isLeader() {
                onLeadership();
            }

            @Override
            public void notLeader() {
                onLeadershipLost("leader latch says not leader");
            }
        }, executor);
        return l;
    }

    private void startLatch(LeaderLatch l) {
        try {
            l.start();
        } catch (Exception e) {
            throw new HostwatchException("cannot join the leader election: " + e.getMessage(), e);
        }
    }

    private void onLeadership() {
        if (latch == null || !latch.hasLeadership()) {
            return;
        }
        try {
            epoch = store.acquireEpoch(instanceId);
        } catch (HostwatchException e) {
            LOG.warn("won the election but could not take an epoch: {}; stepping down", e.getMessage());
            stepDown();
            return;
        }
        leading = true;
        leaderSince = clock.instant();
        graceUntilNanos = nanoTime.getAsLong() + settings.sessionTimeout().toNanos();
        published.clear();
        published.putAll(view.verdicts());
        LOG.info("{} leads with epoch {}; members already missing are judged after {} ms", instanceId, epoch,
                settings.sessionTimeout().toMillis());
        reconcile();
    }

    private void onLeadershipLost(String why) {
        if (leading) {
            LOG.info("{} no longer leads (epoch {}): {}", instanceId, epoch, why);
        }
        leading = false;
        judging.clear();
    }

    /** Gives up leadership at once (our epoch was superseded) and rejoins the election. */
    private void stepDown() {
        onLeadershipLost("epoch superseded");
        LeaderLatch old = latch;
        try {
            old.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing leader latch: {}", e.toString());
        }
        if (life.get() == Life.STARTED) {
            latch = newLatch();
            startLatch(latch);
        }
    }

    private void onConnection(ConnectionState state) {
        if (state == ConnectionState.SUSPENDED || state == ConnectionState.LOST) {
            connected = false;
            LOG.warn("ZooKeeper connection {}: no verdicts until it is back", state);
        } else if (state.isConnected()) {
            submit(() -> {
                connected = true;
                graceUntilNanos = nanoTime.getAsLong() + settings.sessionTimeout().toNanos();
                if (leading) {
                    LOG.info("ZooKeeper connection {}: judging missing members again after {} ms", state,
                            settings.sessionTimeout().toMillis());
                }
            });
        }
    }

    private void onJoined(MemberId id, MemberRegistration registration) {
        lastSeen.put(id, registration);
        if (mayJudge()) {
            ensureRunning(id, registration);
        }
    }

    private void onLeft(MemberId id, MemberRegistration last) {
        lastSeen.put(id, last);
        if (mayJudge()) {
            long now = nanoTime.getAsLong();
            lostAt.put(id, now);
            if (!last.leaving()) {
                flaps.lost(id, now);
                countLoss(id, now);
            }
            judge(id);
        }
    }

    /** When the member's heartbeat loss was seen (now, when this instance did not see it go). */
    private long lostAt(MemberId id) {
        Long at = lostAt.get(id);
        return at != null ? at : nanoTime.getAsLong();
    }

    private void reevaluate(MemberId id) {
        if (!mayJudge()) {
            return;
        }
        MemberRegistration reg = view.registration(id).orElse(null);
        if (reg != null) {
            ensureRunning(id, reg);
        } else if (published.containsKey(id)) {
            Verdict prev = published.get(id);
            reclassify(prev);
            judge(id);
        }
    }

    /** Counts a loss towards the group's brake, and engages it when the threshold is crossed. */
    private void countLoss(MemberId id, long now) {
        String group = id.group();
        Set<MemberId> members = new HashSet<>();
        view.registrations().keySet().forEach(m -> {
            if (m.group().equals(group)) {
                members.add(m);
            }
        });
        view.group(group).keySet().forEach(members::add);
        members.add(id);
        int lost = brake.lost(id, now, members.size());
        if (lost > 0 && !brakeEngaged(group)) {
            BrakeRecord record = new BrakeRecord(group, true, clock.instant(), lost, members.size(), lost + " of "
                    + members.size() + " members lost within " + settings.brakeWindow().toSeconds() + " s",
                    null);
            try {
                store.writeBrake(record, epoch);
            } catch (VerdictStore.FencedException e) {
                stepDown();
                return;
            } catch (HostwatchException e) {
                LOG.warn("could not record the brake of {}: {} (held locally)", group, e.getMessage());
            }
            brakesEngaged.add(group);
            LOG.warn("mass-failure brake engaged for group {}: {}; no verdict of the group is actionable until "
                    + "an operator releases it", group, record.reason());
            for (Verdict v : Map.copyOf(published).values()) {
                if (v.group().equals(group) && v.actionable()) {
                    reclassify(v);
                }
            }
        }
    }

    /**
     * The brake this instance engaged holds until an operator's release arrives, even while the
     * cache still shows an older, released record; otherwise the stored record decides.
     */
    private boolean brakeEngaged(String group) {
        if (brakesEngaged.contains(group)) {
            return true;
        }
        return view.brake(group).map(BrakeRecord::engaged).orElse(false);
    }

    private void onBrakeChanged(String group) {
        BrakeRecord record = view.brake(group).orElse(null);
        if (record != null && record.engaged()) {
            brakesEngaged.add(group);
            // Engaged elsewhere (an earlier leader): hold what this instance published as actionable.
            if (mayJudge()) {
                for (Verdict v : Map.copyOf(published).values()) {
                    if (v.group().equals(group) && v.actionable()) {
                        reclassify(v);
                    }
                }
            }
            return;
        }
        if (brakesEngaged.remove(group) || record != null) {
            LOG.info("mass-failure brake of group {} released", group);
        }
        brake.reset(group);
        if (!mayJudge()) {
            return;
        }
        for (Verdict v : Map.copyOf(published).values()) {
            if (v.group().equals(group) && v.holds() != null) {
                reclassify(v);
            }
        }
    }

    /** Publishes a verdict again from its own evidence, with the holds and maintenance as they are now. */
    private void reclassify(Verdict prev) {
        Evidence e = prev.evidence();
        if (e == null || e.heartbeat() == null || !mayJudge()) {
            return;
        }
        MemberRegistration reg = lastSeen.get(prev.id());
        Observation o = observation(prev.id(), reg, prev.address(), prev.incarnation(), e.heartbeat(),
                reg != null && reg.leaving() && e.heartbeat().status() == SignalStatus.Heartbeat.LOST, e.ping(),
                e.storage());
        publishIfChanged(VerdictClassifier.classify(o, prev));
    }

    private boolean mayJudge() {
        return leading && connected && life.get() == Life.STARTED;
    }

    /** Brings every member's published verdict in line with the current registrations. */
    private void reconcile() {
        if (!mayJudge()) {
            return;
        }
        Map<MemberId, MemberRegistration> registered = view.registrations();
        registered.forEach(lastSeen::putIfAbsent);
        registered.forEach(this::ensureRunning);
        long now = nanoTime.getAsLong();
        for (Map.Entry<MemberId, Verdict> e : Map.copyOf(published).entrySet()) {
            State s = e.getValue().state();
            if (!registered.containsKey(e.getKey()) && s != State.STOPPED) {
                if ((s == State.RUNNING || s == State.SUSPECT) && !judging.contains(e.getKey())) {
                    // Lost while no leader was watching (leader change, quorum loss): it counts too.
                    countLoss(e.getKey(), now);
                }
                judge(e.getKey());
            }
        }
    }

    private void recheck() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.error("recheck failed", e);
        }
    }

    private void ensureRunning(MemberId id, MemberRegistration reg) {
        Verdict prev = published.get(id);
        Evidence.Storage stor = storage.current(id);
        if (stor == null && prev != null && prev.evidence() != null) {
            stor = prev.evidence().storage(); // not decided yet: keep what was shown
        }
        Evidence.Heartbeat hb = prev != null && prev.evidence() != null && prev.evidence().heartbeat() != null
                && prev.evidence().heartbeat().status() == SignalStatus.Heartbeat.OK ? prev.evidence().heartbeat()
                : new Evidence.Heartbeat(SignalStatus.Heartbeat.OK, clock.instant(), "heartbeat znode present");
        publishIfChanged(VerdictClassifier.classify(observation(id, reg, reg.address(), reg.incarnation(), hb, false,
                null, stor), prev));
    }

    private void judge(MemberId id) {
        if (!mayJudge() || judging.contains(id)) {
            return;
        }
        MemberRegistration current = view.registration(id).orElse(null);
        if (current != null) {
            ensureRunning(id, current);
            return;
        }
        long wait = graceUntilNanos - nanoTime.getAsLong();
        if (wait > 0) {
            executor.schedule(() -> judge(id), wait, TimeUnit.NANOSECONDS);
            return;
        }
        MemberRegistration reg = lastSeen.get(id);
        Verdict prev = published.get(id);
        String address = reg != null ? reg.address() : prev != null ? prev.address() : null;
        String incarnation = reg != null ? reg.incarnation() : prev != null ? prev.incarnation() : null;
        boolean leaving = reg != null && reg.leaving();
        Evidence.Heartbeat hb = new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, clock.instant(),
                "heartbeat znode gone (ZooKeeper session expired or closed)");
        Verdict suspect = VerdictClassifier.classify(
                observation(id, reg, address, incarnation, hb, leaving, null, null), prev);
        if (suspect.state() == State.STOPPED) {
            publish(suspect);
            return;
        }
        if (prev == null || prev.state() == State.RUNNING) {
            publish(suspect);
        }
        long term = epoch;
        judging.add(id);
        CompletableFuture<Evidence.Ping> pinged = address == null
                ? CompletableFuture.completedFuture(new Evidence.Ping(SignalStatus.Ping.UNKNOWN, clock.instant(),
                        null, null, "no management address known"))
                : ping.probe(address);
        // On the first judgement after the loss, storage counts as FRESH only if it moves after it.
        CompletableFuture<Evidence.Storage> stored = prev == null || prev.state() == State.RUNNING
                || prev.state() == State.SUSPECT ? storage.judge(id, lostAt(id)) : storage.judge(id);
        pinged.thenCombine(stored, (p, s) -> new Evidence(hb, p, s))
                .whenCompleteAsync((evidence, error) -> finish(id, term, address, incarnation, leaving,
                        evidence, error), executor);
    }

    private void finish(MemberId id, long term, String address, String incarnation, boolean leaving,
                        Evidence evidence, Throwable error) {
        judging.remove(id);
        if (!mayJudge() || term != epoch) {
            return;
        }
        if (error != null) {
            LOG.warn("probing {} failed: {}", id, error.toString());
            return;
        }
        MemberRegistration current = view.registration(id).orElse(null);
        if (current != null) {
            ensureRunning(id, current);
            return;
        }
        Observation o = observation(id, lastSeen.get(id), address, incarnation, evidence.heartbeat(), leaving,
                evidence.ping(), evidence.storage());
        publishIfChanged(VerdictClassifier.classify(o, published.get(id)));
    }

    private Observation observation(MemberId id, MemberRegistration reg, String address, String incarnation,
                                    Evidence.Heartbeat hb, boolean leaving, Evidence.Ping p, Evidence.Storage s) {
        long now = nanoTime.getAsLong();
        Instant wall = clock.instant();
        boolean maintenance = view.maintenance(id).map(m -> m.inForce(wall)).orElse(false);
        return new Observation(id, address, incarnation, hb, leaving, selfCheck.vouch(p), selfCheck.vouch(s),
                maintenance, wall, epoch, settings.staleAfter().toMillis(),
                reg == null ? null : reg.fenceAfterMillis(), brakeEngaged(id.group()), flaps.flaps(id, now),
                flaps.holding(id, now));
    }

    private void publishIfChanged(Verdict next) {
        if (changed(published.get(next.id()), next)) {
            publish(next);
        }
    }

    private static boolean changed(Verdict prev, Verdict next) {
        return prev == null || prev.state() != next.state() || prev.actionable() != next.actionable()
                || !Objects.equals(prev.reason(), next.reason()) || !Objects.equals(prev.incarnation(),
                next.incarnation()) || !Objects.equals(prev.address(), next.address())
                || !Objects.equals(prev.holds(), next.holds())
                || statusOf(prev) != null && !statusOf(prev).equals(statusOf(next));
    }

    private static String statusOf(Verdict v) {
        Evidence e = v.evidence();
        if (e == null) {
            return null;
        }
        return (e.ping() == null ? "-" : e.ping().status().name()) + "/"
                + (e.storage() == null ? "-" : e.storage().status().name()) + "/" + e.flaps();
    }

    private void publish(Verdict verdict) {
        try {
            store.write(verdict, published.get(verdict.id()), epoch);
        } catch (VerdictStore.FencedException e) {
            LOG.warn("verdict for {} rejected: {}; stepping down", verdict.id(), e.getMessage());
            stepDown();
            return;
        } catch (HostwatchException e) {
            LOG.warn("could not publish verdict for {}: {} (will retry on the next recheck)", verdict.id(),
                    e.getMessage());
            return;
        }
        Verdict prev = published.put(verdict.id(), verdict);
        if (prev == null || prev.state() != verdict.state() || prev.actionable() != verdict.actionable()) {
            LOG.info("{}: {} -> {}{} ({})", verdict.id(), prev == null ? "new" : prev.state(), verdict.state(),
                    verdict.actionable() ? " [actionable]" : "", verdict.reason());
        }
    }

    private void submit(Runnable task) {
        if (life.get() == Life.CLOSED) {
            return;
        }
        executor.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("detector task failed", e);
            }
        });
    }

    @Override
    public void close() {
        if (life.getAndSet(Life.CLOSED) != Life.STARTED) {
            executor.shutdownNow();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            leading = false;
            try {
                if (latch != null) {
                    latch.close(LeaderLatch.CloseMode.SILENT);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing leader latch: {}", e.toString());
            }
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        executor.shutdownNow();
    }
}
