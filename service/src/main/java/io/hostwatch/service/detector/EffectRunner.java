package io.hostwatch.service.detector;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.core.GroupStateMachine;
import io.hostwatch.service.zk.VerdictStore;
import io.hostwatch.service.zk.VerdictWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a {@link GroupStateMachine}'s effects for the {@link Detector} and feeds their outcomes
 * back to the machine on the detector's thread, unless the machine's term has ended meanwhile
 * ({@code current} says no). A fenced write steps the term down at once.
 */
final class EffectRunner {
    private static final Logger LOG = LoggerFactory.getLogger(EffectRunner.class);

    private final VerdictWriter writer;
    private final EvidenceProbe probe;
    private final ScheduledExecutorService executor;
    /** Probe results: on the detector's thread, ahead of acknowledgements and timers ({@link DetectorThread}). */
    private final java.util.concurrent.Executor evidence;
    private final Predicate<GroupStateMachine> current;
    private final LongConsumer stepDown;
    private final LongSupplier millis;
    private final List<PublishListener> publishListeners;
    private final Map<String, BrakeRecord> localBrakes;
    private final OwnWrites ownWrites;

    EffectRunner(VerdictWriter writer, EvidenceProbe probe, DetectorThread executor,
                 Predicate<GroupStateMachine> current, LongConsumer stepDown, LongSupplier millis,
                 List<PublishListener> publishListeners, Map<String, BrakeRecord> localBrakes, OwnWrites ownWrites) {
        this.writer = writer;
        this.probe = probe;
        this.executor = executor;
        this.evidence = executor::executeEvidence;
        this.current = current;
        this.stepDown = stepDown;
        this.millis = millis;
        this.publishListeners = publishListeners;
        this.localBrakes = localBrakes;
        this.ownWrites = ownWrites;
    }

    /** The logging guard every detector task runs through: an exception is logged, never lost. */
    static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("detector task failed", e);
            }
        };
    }

    /** On the detector thread. */
    void execute(GroupStateMachine m, List<Effect> effects) {
        for (Effect e : effects) {
            try {
                run(m, e);
            } catch (RejectedExecutionException closed) {
                LOG.debug("detector closed: {} dropped", e);
            }
        }
        m.localBrake().ifPresentOrElse(b -> localBrakes.put(m.group(), b), () -> localBrakes.remove(m.group()));
    }

    private void run(GroupStateMachine m, Effect e) {
        if (e instanceof Effect.Publish p) {
            ownWrites.sent(p.verdict());
            writer.publish(p.verdict(), p.previous(), m.epoch()).whenCompleteAsync((ok, error) ->
                    guarded(() -> written(m, p, error)).run(), executor);
        } else if (e instanceof Effect.Probe p) {
            probe.probe(p).whenCompleteAsync((r, error) -> guarded(() -> {
                if (current.test(m)) {
                    execute(m, p.pingOnly() ? m.prePinged(p.id(), r.ping()) : m.evidence(p.id(), r.ping(), r.storage()));
                }
            }).run(), evidence);
        } else if (e instanceof Effect.WriteBrake b) {
            writer.writeBrake(b.record(), m.epoch()).whenCompleteAsync((ok, error) -> guarded(() -> {
                if (current.test(m) && !fenced(m, error)) {
                    m.brakeWritten(b.record(), error == null);
                    if (error != null) {
                        LOG.warn("could not record the brake of {}: {}; it holds, shows in /v1/detector and "
                                + "is written again on the next recheck", m.group(), error.toString());
                    }
                }
            }).run(), executor);
        } else if (e instanceof Effect.WakeAt w) {
            executor.schedule(guarded(() -> {
                if (current.test(m)) {
                    execute(m, m.wake());
                }
            }), Math.max(0, w.atMillis() - millis.getAsLong()), TimeUnit.MILLISECONDS);
        }
    }

    private void written(GroupStateMachine m, Effect.Publish p, Throwable error) {
        if (!current.test(m) || fenced(m, error)) {
            return;
        }
        Verdict v = p.verdict();
        if (error != null) {
            LOG.warn("could not publish verdict for {}: {} (will retry on the next recheck)", v.id(), error.toString());
            m.publishFailed(v);
            return;
        }
        m.published(v);
        Verdict prev = p.previous();
        if (prev != null && (prev.state() != v.state() || prev.actionable() != v.actionable())) {
            LOG.info("{}: {} -> {}{} ({})", v.id(), prev.state(), v.state(), v.actionable() ? " [actionable]" : "",
                    v.reason());
        } else if (prev == null) {
            LOG.debug("{}: new -> {} ({})", v.id(), v.state(), v.reason());
        }
        Duration latency = p.lostAtMillis() == Effect.UNKNOWN ? null
                : Duration.ofMillis(millis.getAsLong() - p.lostAtMillis());
        publishListeners.forEach(l -> guarded(() -> l.published(prev, v, latency)).run());
    }

    /**
     * A verdict the view shows for a member of {@code m}: when this term did not write it (an
     * ensemble whose ACLs let others write verdicts), this term's own verdict is written over it.
     */
    void seen(GroupStateMachine m, io.hostwatch.schema.MemberId id, Verdict seen) {
        if (!current.test(m) || m.verdict(id).isEmpty() || ownWrites.own(seen)) {
            return;
        }
        LOG.warn("{}: the verdict in ZooKeeper ({}{}, epoch {}) was not written by this leader (epoch {}): "
                + "writing its own again", id, seen.state(), seen.actionable() ? ", actionable" : "", seen.epoch(),
                m.epoch());
        execute(m, m.overwritten(id));
    }

    /** A decommissioned member: forgotten by the probe, the writer and {@code m} (null: no machine). */
    void forget(io.hostwatch.schema.MemberId id, GroupStateMachine m) {
        probe.untrack(id);
        writer.forget(id);
        ownWrites.forget(id);
        if (m != null && m.forget(id)) {
            LOG.info("{} decommissioned: forgotten", id);
        }
    }

    private boolean fenced(GroupStateMachine m, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof VerdictStore.FencedException) {
            LOG.warn("write rejected: {}; stepping down", cause.getMessage());
            stepDown.accept(m.epoch());
            return true;
        }
        return false;
    }
}
