package io.hostwatch.service.detector;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.core.GroupStateMachine;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.zk.BrakeSeal;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictStore;
import io.hostwatch.service.zk.VerdictWriter;
import java.io.Closeable;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector loop: feeds membership, evidence and timer events to one {@link GroupStateMachine}
 * per group for the current {@link LeaderTerm leadership term}, and executes the effects they ask
 * for (publish through the {@link VerdictWriter}, probe, write the brake, wake at) with an
 * {@link EffectRunner}. Outcomes that arrive after the term ended are dropped; a write rejected by
 * the epoch check steps the term down at once. All machine calls run on one thread
 * ({@code hostwatch-detector}, a {@link DetectorThread}), every task through one logging guard:
 * membership and leadership events in an urgent lane, in their order, then probe results, then the
 * detector's other follow-ups (write acknowledgements, timers, recheck slices), so that the last of
 * a burst of losses is taken in, and its {@code SUSPECT} queued for writing, before the first
 * members' final verdicts are worked out.
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
    private final Clock clock;
    private final LeaderTerm term;
    private final CuratorFramework client;
    private final DetectorThread executor = new DetectorThread("hostwatch-detector");
    private final List<PublishListener> publishListeners = new CopyOnWriteArrayList<>();
    private final Map<String, GroupStateMachine> machines = new HashMap<>(); // confined to the executor
    private final Map<String, BrakeRecord> localBrakes = new ConcurrentHashMap<>();
    private final OwnWrites ownWrites = new OwnWrites(); // confined to the executor
    private final EffectRunner runner;
    private volatile FencingSource fencing = FencingSource.NONE;
    private volatile BrakeSeal brakeSeal = BrakeSeal.unsealed();
    private long termEpoch = -1; // confined to the executor
    private volatile long graceUntilMillis;

    public Detector(CuratorFramework client, ClusterView view, VerdictStore store, PingProbe ping,
                    StorageObserver storage, SelfCheck selfCheck, DetectorSettings settings, Clock clock,
                    LongSupplier nanoTime, String instanceId) {
        this.client = client;
        this.view = view;
        this.writer = new VerdictWriter(client, store, view.verdictEcho());
        this.probe = new EvidenceProbe(ping, storage, selfCheck, clock);
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.term = new LeaderTerm(client, store, instanceId, clock);
        this.runner = new EffectRunner(writer, probe, executor, this::current, term::stepDown, this::millis,
                publishListeners, localBrakes, ownWrites);
    }

    /** Sets the seal that tells an operator's brake release from a rewrite; call before {@link #start()}. */
    public void setBrakeSeal(BrakeSeal seal) {
        this.brakeSeal = seal;
    }

    /** Sets the fencing source; call before {@link #start()}. Without one, no group is fenced. */
    public void setFencing(FencingSource source) {
        this.fencing = source;
    }

    /** A member's fencing record changed: its verdict follows it. Safe from any thread. */
    public void fencingChanged(MemberId id) {
        submit(() -> ifCurrent(id.group(), m -> m.fencing(id, fencing.record(id).orElse(null))));
    }

    public void start() {
        view.addListener(new ViewEvents(this, view, probe, brakeSeal));
        view.addVerdictListener((id, old, now) -> submit(() -> Optional.ofNullable(machines.get(id.group()))
                .filter(m -> now != null).ifPresent(m -> runner.seen(m, id, now))));
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
                submitUrgent(() -> connection(connected));
            }
        });
        // Pre-probing: a slot that stops advancing while its heartbeat is present gets its host pinged.
        probe.onStall(settings.staleAfter().multipliedBy(2).dividedBy(3),
                id -> submit(() -> ifCurrent(id.group(), m -> m.storageStalled(id))));
        Warmup.inBackground(settings, 1_000, 20);
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

    /** A brake this leader engaged that is not yet recorded in ZooKeeper, if any. */
    public Optional<BrakeRecord> localBrake(String group) {
        return Optional.ofNullable(localBrakes.get(group));
    }

    /** A snapshot for the REST API and health checks; safe from any thread. */
    public DetectorStatus status() {
        return DetectorStatus.of(term, client.getZookeeperClient().isConnected(), millis() - graceUntilMillis >= 0,
                view, probe, localBrakes);
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
        int groups = TermOpening.open(view, probe, brakeSeal, clock, this::machine, this::execute);
        LOG.info("epoch {}: judging {} groups; members already missing are judged after {} ms", epoch, groups,
                settings.sessionTimeout().toMillis());
    }

    private void connection(boolean connected) {
        if (connected) {
            graceUntilMillis = millis() + settings.sessionTimeout().toMillis();
        }
        machines.values().forEach(m -> execute(m, m.connection(connected)));
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

    /** Feeds one event to the group's machine in the current term (made on first use; none while not leading). */
    void on(String group, Function<GroupStateMachine, List<Effect>> event) {
        GroupStateMachine m = machine(group);
        if (m != null) {
            execute(m, event.apply(m));
        }
    }

    /** Feeds one event to the group's machine if it has one in the current term. */
    private void ifCurrent(String group, Function<GroupStateMachine, List<Effect>> event) {
        GroupStateMachine m = machines.get(group);
        if (m != null && current(m)) {
            execute(m, event.apply(m));
        }
    }

    /** A decommissioned member (its verdict deleted while its heartbeat is absent) is forgotten. */
    void forget(MemberId id) {
        if (view.registration(id).isEmpty()) {
            runner.forget(id, machines.get(id.group()));
        }
    }

    /** Runs {@code task} on the detector's thread, behind the urgent tasks. */
    void submit(Runnable task) {
        executor.offer(task, false);
    }

    /** Runs a membership or leadership event on the detector's thread ahead of its own follow-ups, in order. */
    void submitUrgent(Runnable task) {
        executor.offer(task, true);
    }

    @Override
    public void close() {
        executor.shutdown(); // nothing more is taken; what the term's closing reports is dropped
        term.close();
        executor.shutdownNow();
        writer.close();
    }
}
