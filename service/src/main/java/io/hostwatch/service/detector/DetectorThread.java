package io.hostwatch.service.detector;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's one thread, with two lanes. Membership and leadership events (a heartbeat gone or
 * back, maintenance, brake, a decommissioned verdict; became or stopped leading, connection) are
 * <em>urgent</em>: before any other task starts, every urgent task submitted so far runs, in the
 * order submitted. Everything else — the detector's own follow-ups (probe results, write
 * acknowledgements, timers, echoes of its own writes, storage stalls) — runs in its own order
 * behind them.
 *
 * <p>Why: when 1,000 heartbeats go at once, the first members' probe results and acknowledgements
 * come back while the later losses are still queued; in one first-in-first-out queue every later
 * loss, and so its {@code SUSPECT}, waited behind them. Moving an event from the outside world ahead
 * of the detector's own follow-ups is an order that could have happened anyway (those follow-ups
 * come back after network round trips of any length); the urgent events keep their order among
 * themselves, so a member's joined and left are never swapped.
 *
 * <p>Between the two, evidence: the results of probes, which turn a {@code SUSPECT} into a final
 * verdict, run ahead of the write acknowledgements, echoes and timers that a burst queues meanwhile,
 * but behind every urgent task.
 *
 * <p>Tasks must not throw (run them through the detector's logging guard); a task that does is
 * logged here and the next runs.
 */
final class DetectorThread extends ScheduledThreadPoolExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorThread.class);

    private final Queue<Runnable> urgent = new ConcurrentLinkedQueue<>();
    private final Queue<Runnable> evidence = new ConcurrentLinkedQueue<>();

    DetectorThread(String name) {
        super(1, daemon(name));
    }

    /** Runs {@code task} before every task not yet started, after the urgent tasks submitted before it. */
    void executeUrgent(Runnable task) {
        urgent.add(task);
        execute(this::runLanes); // a turn of the thread for it, should the thread be idle
    }

    /** Runs {@code task} after the urgent tasks and before every other task not yet started. */
    void executeEvidence(Runnable task) {
        evidence.add(task);
        execute(this::runLanes);
    }

    /**
     * Runs {@code task} through the detector's logging guard, in the urgent lane or behind it; a
     * task offered once the thread is shut down is dropped.
     */
    void offer(Runnable task, boolean urgent) {
        try {
            if (urgent) {
                executeUrgent(EffectRunner.guarded(task));
            } else {
                execute(EffectRunner.guarded(task));
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("detector closed: task dropped");
        }
    }

    /** Urgent tasks waiting (for status and tests). */
    int urgentWaiting() {
        return urgent.size();
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        super.beforeExecute(t, r);
        runLanes();
    }

    private void runLanes() {
        for (Runnable task; (task = next()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("detector task failed", e);
            }
        }
    }

    private Runnable next() {
        Runnable task = urgent.poll();
        return task != null ? task : evidence.poll();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
