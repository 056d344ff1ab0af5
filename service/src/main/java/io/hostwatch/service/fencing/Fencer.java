package io.hostwatch.service.fencing;

import io.hostwatch.service.core.FencingGate;
import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.nova.Leadership;
import io.hostwatch.service.nova.OwnVerdicts;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.EpochGuardedRecords;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Powers off, through their BMCs, the hosts of fenced groups whose verdict is {@code DEAD} or
 * unfenced {@code ISOLATED}: on the detector leader only. Like the Nova notifier it reacts to the
 * verdicts this instance's own leader published in its current epoch ({@link OwnVerdicts}), never
 * to whatever verdict ZooKeeper holds, asks {@link FencingPlanner} what they call for, and:
 *
 * <ol>
 *   <li>records the intent ({@link FencingAction} PENDING, attempt counted) in ZooKeeper, guarded
 *       by the leader's epoch, <em>before</em> every attempt: a leader whose epoch is superseded
 *       sends nothing;</li>
 *   <li>runs the attempt on its own pool ({@link FencingRunner}): power state first, power-off only
 *       while it is on, then the confirmation;</li>
 *   <li>records the outcome (CONFIRMED, or PENDING with the reason and the next attempt's time).</li>
 * </ol>
 *
 * <p>The detector publishes what the record says ({@link FencingGate}); this class never writes a
 * verdict. The group's brake and the member's maintenance are read at every decision: while
 * either holds, no BMC is called. Decisions and records are confined to one thread
 * ({@code hostwatch-fencing}); BMC calls run on {@code hostwatch-fencing-call-N}; the verdict
 * listener only hands the member over, so nothing here blocks the detector.
 */
public final class Fencer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Fencer.class);

    private enum Life { LATENT, STARTED, CLOSED }

    /** Told of the end of every attempt against a BMC, on the fencer's thread; must not block. */
    public interface AttemptObserver {
        /**
         * @param method the BMC's method ({@code ipmi-lanplus}, {@code redfish}), {@code unresolved} without one
         * @param outcome {@code confirmed} (this attempt powered the host off and the BMC confirmed it),
         *                {@code already_off} (the BMC reported the power off; nothing sent), or {@code failed}
         * @param took the attempt's duration, on a monotonic clock
         */
        void attempted(String method, String outcome, Duration took);
    }

    /** An attempt's outcome and its duration in nanoseconds. */
    private record Ended(FencingAction outcome, long nanos) {
    }

    /** Timing of the fencer. */
    public record Settings(Duration leadershipCheck, Duration reconcileInterval, int maxConcurrentCalls,
                           Duration retryInitialDelay) {
    }

    private final ClusterView view;
    private final Predicate<String> brakeHeldLocally;
    private final OwnVerdicts own;
    private final EpochGuardedRecords<FencingAction> store;
    private final Leadership leadership;
    private final BmcTargets targets;
    private final FencingPlanner planner;
    private final FencingRunner runner;
    private final Settings settings;
    private final Clock clock;
    private final LongSupplier nanos;
    private final List<AttemptObserver> observers = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService executor;
    private final ExecutorService calls;
    private final AtomicReference<Life> life = new AtomicReference<>(Life.LATENT);
    private final Counter attempts;
    private final Counter confirmed;
    private final Counter failedAttempts;

    // Confined to the executor thread.
    private final Map<MemberId, ScheduledFuture<?>> timers = new HashMap<>();
    private final Set<MemberId> inFlight = new HashSet<>();
    private long actingEpoch = -1;
    private long supersededEpoch = -1;

    Fencer(ClusterView view, OwnVerdicts own, EpochGuardedRecords<FencingAction> store, Leadership leadership,
           BmcTargets targets, FencingPlanner planner, FencingRunner runner, Settings settings, Clock clock,
           LongSupplier nanos, MetricRegistry metrics, Predicate<String> brakeHeldLocally) {
        this.brakeHeldLocally = brakeHeldLocally;
        this.view = view;
        this.own = own;
        this.store = store;
        this.leadership = leadership;
        this.targets = targets;
        this.planner = planner;
        this.runner = runner;
        this.settings = settings;
        this.clock = clock;
        this.nanos = nanos;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "hostwatch-fencing"));
        AtomicInteger n = new AtomicInteger();
        this.calls = Executors.newFixedThreadPool(settings.maxConcurrentCalls(),
                r -> thread(r, "hostwatch-fencing-call-" + n.incrementAndGet()));
        this.attempts = metrics.counter(MetricRegistry.name("hostwatch", "fencing", "attempts"));
        this.confirmed = metrics.counter(MetricRegistry.name("hostwatch", "fencing", "confirmed"));
        this.failedAttempts = metrics.counter(MetricRegistry.name("hostwatch", "fencing", "failedAttempts"));
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Adds an observer of every attempt's end (metrics). */
    public void observe(AttemptObserver observer) {
        observers.add(observer);
    }

    public void start() {
        if (!life.compareAndSet(Life.LATENT, Life.STARTED)) {
            throw new IllegalStateException("fencer already started");
        }
        own.onPublished(id -> {
            if (targets.fenced(id)) {
                submit(() -> evaluate(id));
            }
        });
        long check = settings.leadershipCheck().toMillis();
        executor.scheduleWithFixedDelay(() -> guarded(this::checkLeadership), 0, check, TimeUnit.MILLISECONDS);
        long every = settings.reconcileInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> guarded(this::reconcileAll), every, every, TimeUnit.MILLISECONDS);
    }

    private void checkLeadership() {
        boolean leads = leadership.isLeader();
        long epoch = leadership.epoch();
        if (leads && epoch != actingEpoch && epoch > supersededEpoch) {
            actingEpoch = epoch;
            LOG.info("fencer acts for epoch {}: checking every fenced member", epoch);
            reconcileAll();
        } else if (!leads && actingEpoch >= 0) {
            LOG.info("fencer stops: this instance no longer leads (epoch {})", actingEpoch);
            standDown();
        }
    }

    /**
     * Asked on the call pool right before each BMC call of an attempt: the brake (including one the
     * detector engaged and has not recorded yet), maintenance and leadership as they are now.
     */
    private String holdNow(MemberId id, long epoch) {
        if (!leadership.isLeader() || leadership.epoch() != epoch) {
            return "this instance no longer leads epoch " + epoch;
        }
        if (brakeHeldLocally.test(id.group()) || view.brake(id.group()).map(BrakeRecord::engaged).orElse(false)) {
            return "the group's mass-failure brake is engaged";
        }
        if (view.maintenance(id).map(m -> m.inForce(clock.instant())).orElse(false)) {
            return "member in maintenance";
        }
        return null;
    }

    private boolean acting() {
        return actingEpoch >= 0 && life.get() == Life.STARTED && leadership.isLeader()
                && leadership.epoch() == actingEpoch;
    }

    private void standDown() {
        actingEpoch = -1;
        timers.values().forEach(f -> f.cancel(false));
        timers.clear();
    }

    private void reconcileAll() {
        if (!acting()) {
            return;
        }
        own.verdicts(actingEpoch).forEach((id, v) -> {
            if (targets.fenced(id) && FencingGate.wantsFencing(v)) {
                evaluate(id);
            }
        });
    }

    private void evaluate(MemberId id) {
        if (!acting() || inFlight.contains(id)) {
            return; // an attempt in flight evaluates its member again when it ends
        }
        cancelTimer(id);
        // Only a verdict this leader published in its current epoch: ZooKeeper's copy may be anyone's.
        Verdict verdict = own.verdict(id, actingEpoch).orElse(null);
        FencingAction recorded;
        try {
            recorded = store.read(id).orElse(null);
        } catch (CorruptRecordException e) {
            LOG.warn("{}: unreadable fencing record ({}); treating it as absent", id, e.getMessage());
            recorded = null;
        } catch (HostwatchException e) {
            LOG.warn("{}: {}; trying again later", id, e.getMessage());
            schedule(id, settings.retryInitialDelay());
            return;
        }
        BmcTargets.Target target = targets.resolve(id).orElse(null);
        if (target == null) {
            return;
        }
        boolean brake = brakeHeldLocally.test(id.group())
                || view.brake(id.group()).map(BrakeRecord::engaged).orElse(false);
        boolean maintenance = view.maintenance(id).map(m -> m.inForce(clock.instant())).orElse(false);
        String method = target.bmc() == null ? "unresolved" : target.bmc().method();
        String bmc = target.bmc() == null ? "unresolved" : target.bmc().target();
        FencingPlanner.Plan plan = planner.plan(verdict, recorded, brake, maintenance, method, bmc, clock.instant(),
                actingEpoch);
        if (plan instanceof FencingPlanner.WaitUntil wait) {
            schedule(id, Duration.between(clock.instant(), wait.at()));
        } else if (plan instanceof FencingPlanner.Start start) {
            LOG.warn("{}: fencing the host through its BMC ({} {}; verdict {}, incarnation {})", id, method, bmc,
                    start.intent().verdict(), start.intent().incarnation());
            attempt(start.intent(), target);
        } else if (plan instanceof FencingPlanner.Attempt attempt) {
            attempt(attempt.pending(), target);
        } else if (plan instanceof FencingPlanner.Nothing nothing && recorded != null
                && recorded.status() == FencingAction.Status.PENDING) {
            LOG.info("{}: pending fencing not attempted: {}", id, nothing.why());
        }
    }

    /** Records the attempt under the acting epoch, then runs it; nothing is sent if the record fails. */
    private void attempt(FencingAction pending, BmcTargets.Target target) {
        FencingAction started = FencingRunner.stamped(pending, actingEpoch, clock.instant(), true);
        if (!record(started)) {
            return;
        }
        MemberId id = started.id();
        inFlight.add(id);
        attempts.inc();
        String method = target.bmc() == null ? "unresolved" : target.bmc().method();
        try {
            CompletableFuture.supplyAsync(() -> {
                long begin = nanos.getAsLong();
                FencingAction outcome = target.bmc() == null ? runner.unusable(started, target.problem())
                        : runner.attempt(started, target.bmc(), () -> holdNow(id, started.epoch()));
                return new Ended(outcome, nanos.getAsLong() - begin);
            }, calls).whenCompleteAsync((ended, error) -> guarded(() -> {
                observed(method, started, ended);
                finish(started, ended == null ? null : ended.outcome(), error);
            }), executor);
        } catch (RejectedExecutionException e) {
            inFlight.remove(id); // closing
        }
    }

    private void observed(String method, FencingAction started, Ended ended) {
        String outcome = ended == null || ended.outcome().status() != FencingAction.Status.CONFIRMED ? "failed"
                : ended.outcome().powerOffSent() > started.powerOffSent() ? "confirmed" : "already_off";
        Duration took = Duration.ofNanos(ended == null ? 0 : ended.nanos());
        for (AttemptObserver o : observers) {
            try {
                o.attempted(method, outcome, took);
            } catch (RuntimeException e) {
                LOG.warn("fencing attempt observer failed: {}", e.toString());
            }
        }
    }

    private void finish(FencingAction started, FencingAction outcome, Throwable error) {
        MemberId id = started.id();
        inFlight.remove(id);
        FencingAction next = error == null ? outcome : runner.unusable(started, "unexpected: " + error);
        if (!acting()) {
            return; // the record stays PENDING: the next leader asks the BMC again
        }
        if (!record(FencingRunner.stamped(next, actingEpoch, clock.instant(), false))) {
            return;
        }
        if (next.status() == FencingAction.Status.CONFIRMED) {
            confirmed.inc();
            LOG.warn("{}: power confirmed off by its BMC ({}; {}; power-off commands sent: {})", id, next.method(),
                    next.answer(), next.powerOffSent());
        } else {
            failedAttempts.inc();
            LOG.warn("{}: fencing attempt {} did not confirm power off: {}; next attempt at {}", id,
                    next.attempts(), next.lastError(), next.nextAttemptAt());
        }
        evaluate(id);
    }

    /** Writes {@code action} under the acting epoch; false when it could not be written. */
    private boolean record(FencingAction action) {
        try {
            store.write(action, actingEpoch);
            return true;
        } catch (EpochGuardedRecords.SupersededException e) {
            LOG.warn("fencer: {}; stopping", e.getMessage());
            supersededEpoch = Math.max(supersededEpoch, actingEpoch);
            standDown();
        } catch (HostwatchException e) {
            LOG.warn("{}: {}; trying again later", action.id(), e.getMessage());
            schedule(action.id(), settings.retryInitialDelay());
        }
        return false;
    }

    private void schedule(MemberId id, Duration delay) {
        cancelTimer(id);
        long millis = Math.max(0, delay.toMillis());
        try {
            timers.put(id, executor.schedule(() -> guarded(() -> {
                timers.remove(id);
                evaluate(id);
            }), millis, TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void cancelTimer(MemberId id) {
        ScheduledFuture<?> f = timers.remove(id);
        if (f != null) {
            f.cancel(false);
        }
    }

    private void submit(Runnable task) {
        if (life.get() != Life.STARTED) {
            return;
        }
        try {
            executor.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("fencer task failed", e);
        }
    }

    @Override
    public void close() {
        if (life.getAndSet(Life.CLOSED) == Life.CLOSED) {
            return;
        }
        executor.shutdownNow();
        calls.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
            calls.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
