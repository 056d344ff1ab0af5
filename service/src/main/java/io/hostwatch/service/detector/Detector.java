package io.hostwatch.service.detector;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.core.GroupStateMachine;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictStore;
import io.hostwatch.service.zk.VerdictWriter;
import java.io.Closeable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector loop: feeds membership, evidence and timer events to one {@link GroupStateMachine}
 * per group for the current {@link LeaderTerm leadership term}, and executes the effects they ask
 * for (publish through the {@link VerdictWriter}, probe, write the brake, wake at). Outcomes that
 * arrive after the term ended are dropped; a write rejected by the epoch check steps the term
 * down at once. All machine calls run on one thread ({@code hostwatch-detector}, a
 * {@link DetectorThread}), every task through one logging guard: membership and leadership events
 * in an urgent lane, in their order, ahead of the detector's own follow-ups (probe results, write
 * acknowledgements, timers), so that the last of a burst of losses is taken in, and its
 * {@code SUSPECT} queued for writing, before the first members' final verdicts are worked out.
 */
public final class Detector implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Detector.class);
    /** Members rechecked per task of the detector's thread. */
    private static final int RECHECK_SLICE = 200;

    private final ClusterView view;
    private final VerdictWriter writer;
    private final EvidenceProbe probe;
    private final DetectorSettings settings;
    private final LongSupplier nanoTime;
    private final LeaderTerm term;
    private final CuratorFramework client;
    private final DetectorThread executor;
    private final List<PublishListener> publishListeners = new CopyOnWriteArrayList<>();
    private final Map<String, GroupStateMachine> machines = new HashMap<>(); // confined to the executor
    private volatile FencingSource fencing = new FencingSource() {
        @Override
        public boolean fenced(String group) {
            return false;
        }

        @Override
        public Map<MemberId, FencingAction> records() {
            return Map.of();
        }

        @Override
        public Optional<FencingAction> record(MemberId id) {
            return Optional.empty();
        }
    };
    private final Map<String, BrakeRecord> localBrakes = new ConcurrentHashMap<>();
    private long termEpoch = -1; // confined to the executor
    private volatile long graceUntilMillis;
    private volatile boolean closed;
    private final EffectRunner runner;

    public Detector(CuratorFramework client, ClusterView view, VerdictStore store, PingProbe ping,
                    StorageObserver storage, SelfCheck selfCheck, DetectorSettings settings, Clock clock,
                    LongSupplier nanoTime, String instanceId) {
        this.client = client;
        this.view = view;
        this.writer = new VerdictWriter(client, store, view.verdictEcho());
        this.probe = new EvidenceProbe(ping, storage, selfCheck, clock);
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.term = new LeaderTerm(client, store, instanceId, clock);
        this.clock = clock;
        this.executor = new DetectorThread("hostwatch-detector");
        this.runner = new EffectRunner(writer, probe, executor, this::current, term::stepDown, this::millis,
                publishListeners, localBrakes, ownWrites);
    }

    private final OwnWrites ownWrites = new OwnWrites(); // confined to the executor

    private final Clock clock;

    /**
     * Out-of-band fencing as the machines see it: which groups are fenced, and the fencing records
     * (read from a cache; quick, non-blocking).
     */
    public interface FencingSource {
        boolean fenced(String group);

        Map<MemberId, FencingAction> records();

        Optional<FencingAction> record(MemberId id);
    }

    private volatile io.hostwatch.service.zk.BrakeSeal brakeSeal = io.hostwatch.service.zk.BrakeSeal.unsealed();

    /** Sets the seal that tells an operator's brake release from a rewrite; call before {@link #start()}. */
    public void setBrakeSeal(io.hostwatch.service.zk.BrakeSeal seal) {
        this.brakeSeal = seal;
    }

    io.hostwatch.service.zk.BrakeSeal brakeSeal() {
        return brakeSeal;
    }

    /** Sets the fencing source; call before {@link #start()}. Without one, no group is fenced. */
    public void setFencing(FencingSource source) {
        this.fencing = source;
    }

    /** A member's fencing record changed: its verdict follows it. Safe from any thread. */
    public void fencingChanged(MemberId id) {
        submit(() -> {
            GroupStateMachine m = machines.get(id.group());
            if (m != null && current(m)) {
                execute(m, m.fencing(id, fencing.record(id).orElse(null)));
            }
        });
    }

    public void start() {
        view.addListener(new ViewEvents(this, view, probe));
        view.addVerdictListener((id, old, now) -> submit(() -> verdictSeen(id, now)));
        term.addListener(new LeaderTerm.Listener() {
            @Override
            public void becameLeader(long epoch) {
                submitUrgent(() -> beginTerm(epoch));
            }

            @Override
            public void stoppedLeading(long epoch) {
                submitUrgent(() -> endTerm(epoch));
            }

            @Override
            public void connectionChanged(boolean connected) {
                submitUrgent(() -> {
                    if (connected) {
                        graceUntilMillis = millis() + settings.sessionTimeout().toMillis();
                    }
                    machines.values().forEach(m -> execute(m, m.connection(connected)));
                });
            }
        });
        // Pre-probing: a slot that stops advancing while its heartbeat is present gets its host pinged.
        probe.onStall(settings.staleAfter().multipliedBy(2).dividedBy(3), id -> submit(() -> {
            GroupStateMachine m = machines.get(id.group());
            if (m != null) {
                execute(m, m.storageStalled(id));
            }
        }));
        term.start();
        long recheck = settings.recheckInterval().toMillis();
        executor.scheduleWithFixedDelay(EffectRunner.guarded(() -> machines.values().forEach(m -> {
            execute(m, m.recheckBegin());
            recheckSlice(m);
        })), recheck, recheck, TimeUnit.MILLISECONDS);
    }

    /** Rechecks a slice of the group's members, then queues the rest: losses are taken in between. */
    private void recheckSlice(GroupStateMachine m) {
        if (current(m)) {
            execute(m, m.recheckSome(probe::current, RECHECK_SLICE));
            if (m.recheckPending()) {
                submit(() -> recheckSlice(m));
            }
        }
    }

    /** The leadership term (Nova's notifier subscribes to it). */
    public LeaderTerm leadership() {
        return term;
    }

    /** Adds a listener for durably published verdicts. */
    public void addPublishListener(PublishListener listener) {
        publishListeners.add(listener);
    }

    public boolean isLeader() {
        return term.isLeader();
    }

    public long epoch() {
        return term.epoch();
    }

    /** A brake this leader engaged that is not yet recorded in ZooKeeper, if any. */
    public Optional<BrakeRecord> localBrake(String group) {
        return Optional.ofNullable(localBrakes.get(group));
    }

    /** A snapshot for the REST API and health checks; safe from any thread. */
    public DetectorStatus status() {
        SortedMap<String, BrakeRecord> brakes = new TreeMap<>(localBrakes);
        view.brakes().forEach((g, b) -> {
            if (b.engaged()) {
                brakes.put(g, b);
            }
        });
        boolean leading = term.isLeader();
        return new DetectorStatus(term.instanceId(), leading, term.leaderId(), term.epoch(), term.leaderSince(),
                client.getZookeeperClient().isConnected() ? "CONNECTED" : "DISCONNECTED",
                leading && term.connected() && millis() - graceUntilMillis >= 0, view.memberCount(),
                probe.pingMethod(), probe.selfCheck(), brakes, refused());
    }

    private SortedMap<String, String> refused() {
        SortedMap<String, String> out = new TreeMap<>();
        view.refused().forEach((id, why) -> out.put(id.group() + "/" + id.host(), why));
        return out.isEmpty() ? null : out;
    }

    private long millis() {
        return TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong());
    }

    private void beginTerm(long epoch) {
        machines.clear();
        localBrakes.clear();
        ownWrites.clear();
        termEpoch = epoch;
        graceUntilMillis = millis() + settings.sessionTimeout().toMillis();
        Map<String, List<Verdict>> verdicts = new HashMap<>();
        view.verdicts().values().forEach(v -> verdicts.computeIfAbsent(v.group(), g -> new ArrayList<>()).add(v));
        Map<MemberId, MemberRegistration> present = view.registrations();
        // members registered before this term (a restart, a leader change) are watched like those that join
        present.keySet().forEach(probe::track);
        Map<String, List<MemberRegistration>> regs = new HashMap<>();
        present.values().forEach(r -> regs.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r));
        java.util.Set<String> groups = new java.util.TreeSet<>(verdicts.keySet());
        groups.addAll(regs.keySet());
        groups.addAll(view.brakes().keySet());
        for (String g : groups) {
            GroupStateMachine m = machine(g);
            Map<MemberId, io.hostwatch.schema.Maintenance> marks = new HashMap<>(view.maintenanceMarks());
            marks.keySet().removeIf(id -> !id.group().equals(g));
            for (Verdict v : verdicts.getOrDefault(g, List.of())) {
                if (!present.containsKey(v.id())) {
                    view.lastRegistration(v.id()).ifPresent(m::lastKnown);
                }
            }
            BrakeRecord stored = view.brake(g).orElse(null);
            boolean forged = stored != null && !stored.engaged() && !brakeSeal.genuineRelease(stored);
            execute(m, m.becameLeader(verdicts.getOrDefault(g, List.of()), regs.getOrDefault(g, List.of()),
                    forged ? null : stored, marks, probe::current));
            if (forged) {
                LOG.warn("the brake record of {} says released, but no operator's release wrote it: the brake holds "
                        + "and is written again", g);
                execute(m, m.restoreBrake(new BrakeRecord(g, true, stored.engagedAt() == null ? clock.instant()
                        : stored.engagedAt(), stored.lost(), stored.members(), "engaged again: the record said "
                        + "released, but no operator's release wrote it", null, null)));
            }
        }
        LOG.info("epoch {}: judging {} groups; members already missing are judged after {} ms", epoch, groups.size(),
                settings.sessionTimeout().toMillis());
    }

    /**
     * A verdict as the view shows it: when this term did not write it (an ensemble whose ACLs let
     * others write verdicts), this term's own verdict is written over it.
     */
    private void verdictSeen(MemberId id, Verdict seen) {
        GroupStateMachine m = machines.get(id.group());
        if (seen == null || m == null || !current(m) || m.verdict(id).isEmpty() || ownWrites.own(seen)) {
            return;
        }
        LOG.warn("{}: the verdict in ZooKeeper ({}{}, epoch {}) was not written by this leader (epoch {}): "
                + "writing its own again", id, seen.state(), seen.actionable() ? ", actionable" : "", seen.epoch(),
                termEpoch);
        execute(m, m.overwritten(id));
    }

    private void endTerm(long epoch) {
        if (termEpoch == epoch) {
            machines.clear();
            localBrakes.clear(); // a brake this term could not record is not held by an instance that does not lead
            termEpoch = -1;
        }
    }

    /** The group's machine in the current term (made on first use), or null while not leading. */
    private GroupStateMachine machine(String group) {
        if (termEpoch < 0) {
            return null;
        }
        return machines.computeIfAbsent(group, g -> {
            GroupStateMachine m = new GroupStateMachine(g, termEpoch, settings.rules(), this::millis, clock,
                    graceUntilMillis);
            m.fencing(fencing.fenced(g), fencing.records());
            return m;
        });
    }

    private boolean current(GroupStateMachine m) {
        return machines.get(m.group()) == m && m.epoch() == termEpoch;
    }

    private void execute(GroupStateMachine m, List<Effect> effects) {
        runner.execute(m, effects);
    }

    /** Feeds one event to the group's machine in the current term (none while not leading). */
    void on(String group, java.util.function.Function<GroupStateMachine, List<Effect>> event) {
        GroupStateMachine m = machine(group);
        if (m != null) {
            execute(m, event.apply(m));
        }
    }

    /** A decommissioned member (its verdict deleted while its heartbeat is absent) is forgotten. */
    void forget(MemberId id) {
        if (view.registration(id).isPresent()) {
            return;
        }
        probe.untrack(id);
        writer.forget(id);
        ownWrites.forget(id);
        GroupStateMachine m = machines.get(id.group());
        if (m != null && m.forget(id)) {
            LOG.info("{} decommissioned: forgotten", id);
        }
    }

    /** Runs {@code task} on the detector's thread, behind the urgent tasks. */
    void submit(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.execute(EffectRunner.guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("detector closed: task dropped");
        }
    }

    /**
     * Runs a membership or leadership event on the detector's thread ahead of the detector's own
     * follow-ups (probe results, acknowledgements, timers), in order with the other such events.
     */
    void submitUrgent(Runnable task) {
        if (closed) {
            return;
        }
        try {
            executor.executeUrgent(EffectRunner.guarded(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("detector closed: task dropped");
        }
    }

    @Override
    public void close() {
        closed = true;
        term.close();
        executor.shutdownNow();
        writer.close();
    }
}
