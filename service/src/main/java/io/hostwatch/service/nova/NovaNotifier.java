package io.hostwatch.service.nova;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.hostwatch.service.metrics.NovaActionCounters;
import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.zk.EpochGuardedRecords;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Nova about fenced and recovered hosts, on the detector leader only. It reacts to the
 * verdicts this instance's own leader published in its current epoch ({@link OwnVerdicts}), never
 * to whatever verdict ZooKeeper holds (with a misconfigured ensemble anyone could have written
 * that), asks {@link NovaPlanner} what they call for, and:
 *
 * <ol>
 *   <li>records the intent ({@link NovaAction} PENDING) in ZooKeeper, guarded by the leader's
 *       epoch, <em>before</em> every attempt, so a leader whose epoch is superseded starts none;</li>
 *   <li>runs the calls on its own pool ({@link NovaActionRunner});</li>
 *   <li>records the outcome (DONE, FAILED, or PENDING with the next attempt's time) after them.</li>
 * </ol>
 *
 * <p>A new leader reconciles every member on taking over: it finishes a PENDING action an old
 * leader started and never repeats a DONE one. Failed attempts are retried with capped back-off on
 * this notifier's own scheduler. Decisions and records are confined to one thread
 * ({@code hostwatch-nova}); calls run on {@code hostwatch-nova-call-N}; the verdict listener only
 * hands the member to the decision thread, so nothing here ever blocks the detector.
 */
public final class NovaNotifier implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NovaNotifier.class);

    private enum Life { LATENT, STARTED, CLOSED }

    private final OwnVerdicts own;
    private final NovaActionView actions;
    private final EpochGuardedRecords<NovaAction> store;
    private final Leadership leadership;
    private final NovaPlanner planner;
    private final NovaActionRunner runner;
    private final NovaSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final ExecutorService calls;
    private final AtomicReference<Life> life = new AtomicReference<>(Life.LATENT);
    private final Counter attempts;
    private final Counter retries;
    private final Counter failed;
    private final Counter forcedDown;
    private final Counter forcedUp;
    private final MetricRegistry metrics;
    private final NovaOutcomes outcomes;

    // Confined to the executor thread.
    private final Map<MemberId, ScheduledFuture<?>> timers = new HashMap<>();
    private final Set<MemberId> inFlight = new HashSet<>();
    private long actingEpoch = -1;
    private long fencedEpoch = -1;

    NovaNotifier(OwnVerdicts own, NovaActionView actions, EpochGuardedRecords<NovaAction> store, Leadership leadership,
                 NovaPlanner planner, NovaActionRunner runner, NovaSettings settings, Clock clock,
                 MetricRegistry metrics, NovaOutcomes outcomes) {
        this.outcomes = outcomes;
        this.own = own;
        this.actions = actions;
        this.store = store;
        this.leadership = leadership;
        this.planner = planner;
        this.runner = runner;
        this.settings = settings;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> thread(r, "hostwatch-nova"));
        AtomicInteger n = new AtomicInteger();
        this.calls = Executors.newFixedThreadPool(settings.maxConcurrentCalls(),
                r -> thread(r, "hostwatch-nova-call-" + n.incrementAndGet()));
        this.attempts = metrics.counter(MetricRegistry.name("hostwatch", "nova", "attempts"));
        this.retries = metrics.counter(MetricRegistry.name("hostwatch", "nova", "retries"));
        this.failed = metrics.counter(MetricRegistry.name("hostwatch", "nova", "failed"));
        this.forcedDown = metrics.counter(MetricRegistry.name("hostwatch", "nova", "forcedDown"));
        this.forcedUp = metrics.counter(MetricRegistry.name("hostwatch", "nova", "forcedUp"));
        this.metrics = metrics;
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        if (!life.compareAndSet(Life.LATENT, Life.STARTED)) {
            throw new IllegalStateException("Nova notifier already started");
        }
        own.onPublished(id -> submit(() -> evaluate(id)));
        if (leadership.subscribe(() -> submit(this::checkLeadership))) {
            submit(this::checkLeadership); // told of every change from now on: no polling
        } else {
            long check = settings.leadershipCheck().toMillis();
            executor.scheduleWithFixedDelay(() -> guarded(this::checkLeadership), 0, check, TimeUnit.MILLISECONDS);
        }
        long every = settings.reconcileInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> guarded(this::reconcileAll), every, every, TimeUnit.MILLISECONDS);
    }

    private void checkLeadership() {
        boolean leads = leadership.isLeader();
        long epoch = leadership.epoch();
        if (leads && epoch != actingEpoch && epoch > fencedEpoch) {
            actingEpoch = epoch;
            LOG.info("Nova notifier acts for epoch {}: checking every member", epoch);
            reconcileAll();
        } else if (!leads && actingEpoch >= 0) {
            LOG.info("Nova notifier stops: this instance no longer leads (epoch {})", actingEpoch);
            standDown();
        }
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

    /** Every member whose verdict could call for something: fenced ones, and those with a record. */
    private void reconcileAll() {
        if (!acting()) {
            return;
        }
        own.verdicts(actingEpoch).forEach((id, v) -> {
            if (NovaPlanner.fenced(v) || actions.action(id).isPresent()) {
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
        NovaAction recorded;
        try {
            recorded = store.read(id).orElse(null);
        } catch (CorruptRecordException e) {
            LOG.warn("{}: unreadable Nova action record ({}); treating it as absent", id, e.getMessage());
            recorded = null;
        } catch (HostwatchException e) {
            LOG.warn("{}: {}; trying again later", id, e.getMessage());
            schedule(id, settings.backoff().initial());
            return;
        }
        NovaPlanner.Plan plan = planner.plan(verdict, recorded, clock.instant(), actingEpoch);
        if (plan instanceof NovaPlanner.WaitUntil wait) {
            schedule(id, Duration.between(clock.instant(), wait.at()));
        } else if (plan instanceof NovaPlanner.Start start) {
            LOG.info("{}: {} of Nova host {} (verdict {}, incarnation {})", id, start.intent().kind(),
                    start.intent().novaHost(), start.intent().verdict(), start.intent().incarnation());
            if (record(start.intent())) {
                dispatch(start.intent());
            }
        } else if (plan instanceof NovaPlanner.Nothing nothing && nothing.why().startsWith("refused")) {
            LOG.error("{}: Nova action {}", id, nothing.why());
        } else if (plan instanceof NovaPlanner.Attempt attempt) {
            // Recorded again under this epoch before every attempt: a deposed leader cannot start one.
            if (record(attempt.pending())) {
                dispatch(attempt.pending());
            }
        } else if (plan instanceof NovaPlanner.Notify notify) {
            if (record(notify.done())) {
                dispatch(notify.done(), runner::masakariStep);
            }
        }
    }

    /** Writes {@code action} under the acting epoch; false when it could not be written. */
    private boolean record(NovaAction action) {
        try {
            store.write(NovaActionRunner.stamped(action, actingEpoch, clock.instant()), actingEpoch);
            return true;
        } catch (EpochGuardedRecords.SupersededException e) {
            LOG.warn("Nova notifier: {}; stopping", e.getMessage());
            fencedEpoch = Math.max(fencedEpoch, actingEpoch);
            standDown();
        } catch (HostwatchException e) {
            LOG.warn("{}: {}; trying again later", action.id(), e.getMessage());
            schedule(action.id(), settings.backoff().initial());
        }
        return false;
    }

    private void dispatch(NovaAction action) {
        dispatch(action, runner::attempt);
    }

    private void dispatch(NovaAction action, java.util.function.UnaryOperator<NovaAction> step) {
        MemberId id = action.id();
        inFlight.add(id);
        attempts.inc();
        try {
            CompletableFuture.supplyAsync(() -> step.apply(action), calls)
                    .whenCompleteAsync((outcome, error) -> guarded(() -> finish(action, outcome, error)), executor);
        } catch (RejectedExecutionException e) {
            inFlight.remove(id); // closing
        }
    }

    private void finish(NovaAction action, NovaAction outcome, Throwable error) {
        MemberId id = action.id();
        inFlight.remove(id);
        NovaAction next = error == null ? outcome : runner.unexpected(action, error);
        if (!acting()) {
            return; // the record stays PENDING: the next leader attempts it again
        }
        if (!record(next)) {
            return;
        }
        if (next.attempts() != action.attempts()) { // not for an attempt of the Masakari step alone
            metrics.counter(NovaActionCounters.counterName(next.kind().name(), next.status().name())).inc();
        }
        NovaAction.MasakariStep was = action.notification();
        NovaAction.MasakariStep step = next.notification();
        if (step != null && (was == null || was.attempts() != step.attempts() || was.state() != step.state())) {
            // hostwatch_nova_actions_total{action="masakari_notify"|"masakari_clear", outcome=...}
            metrics.counter(NovaActionCounters.counterName(next.kind() == NovaAction.Kind.FORCE_DOWN
                    ? "MASAKARI_NOTIFY" : "MASAKARI_CLEAR", step.state().name())).inc();
        }
        outcomes.report(action, next);
        switch (next.status()) {
            case DONE -> {
                if (action.status() != NovaAction.Status.DONE) {
                    (next.kind() == NovaAction.Kind.FORCE_DOWN ? forcedDown : forcedUp).inc();
                    LOG.info("{}: {} of Nova host {} done (service {}, attempt {})", id, next.kind(), next.novaHost(),
                            next.serviceId(), next.attempts());
                }
                NovaAction.MasakariStep m = next.notification();
                if (m != null && m.attempts() > 0 && (action.notification() == null
                        || m.attempts() != action.notification().attempts())) {
                    if (m.state() == NovaAction.Notification.PENDING) {
                        LOG.warn("{}: Masakari step of the {} not done (attempt {}): {}; next attempt at {}", id,
                                next.kind(), m.attempts(), m.reason(), m.nextAttemptAt());
                    } else {
                        LOG.info("{}: Masakari step of the {}: {}{}", id, next.kind(), m.state(),
                                m.reason() == null ? "" : " (" + m.reason() + ")");
                    }
                }
            }
            case FAILED -> {
                failed.inc();
                LOG.error("{}: {} of Nova host {} failed: {}", id, next.kind(), next.novaHost(), next.lastError());
            }
            case PENDING -> {
                retries.inc();
                LOG.warn("{}: {} attempt {} did not finish: {}; next attempt at {}", id, next.kind(),
                        next.attempts(), next.lastError(), next.nextAttemptAt());
            }
        }
        evaluate(id);
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
            LOG.error("Nova notifier task failed", e);
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
