package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import java.io.Closeable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the supervised service with a {@link HealthCheck} every health interval. After
 * {@code failuresBeforeDown} consecutive failed checks it calls {@link Listener#onServiceDown};
 * on the first successful check after that, {@link Listener#onServiceUp}. The service counts as up
 * when supervision starts.
 *
 * <p>Checks and listener calls run one at a time on the injected scheduler's thread; a slow check
 * or listener delays the next check, it never overlaps it. Use a scheduler of its own so that a
 * hung health command cannot delay the storage heartbeat.
 */
public final class ServiceSupervisor implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ServiceSupervisor.class);

    /** Told when the service goes down and comes back. Called on the supervisor's thread; exceptions are logged. */
    public interface Listener {
        void onServiceDown(String why);

        void onServiceUp();
    }

    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.LATENT);
    private final HealthCheck check;
    private final Duration interval;
    private final int failuresBeforeDown;
    private final ScheduledExecutorService scheduler;
    private final Listener listener;
    private volatile boolean down;
    private int consecutiveFailures;
    private volatile ScheduledFuture<?> task;

    public ServiceSupervisor(HealthCheck check, Duration interval, int failuresBeforeDown,
                             ScheduledExecutorService scheduler, Listener listener) {
        if (failuresBeforeDown < 1) {
            throw new IllegalArgumentException("failuresBeforeDown must be at least 1");
        }
        this.check = check;
        this.interval = interval;
        this.failuresBeforeDown = failuresBeforeDown;
        this.scheduler = scheduler;
        this.listener = listener;
    }

    /** Starts checking now and then every interval. */
    public void start() {
        if (!state.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("already started");
        }
        log.info("supervising the service with {} every {}, down after {} failed checks", check,
                Durations.format(interval), failuresBeforeDown);
        task = scheduler.scheduleWithFixedDelay(this::checkOnce, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** False from the moment the service was declared down until it passed a check again. */
    public boolean isServiceUp() {
        return !down;
    }

    /** Runs one check and any resulting listener call. Package-private so tests can drive it without a clock. */
    synchronized void checkOnce() {
        if (state.get() == Lifecycle.CLOSED) {
            return;
        }
        Optional<String> failure;
        try {
            failure = check.check();
        } catch (RuntimeException e) {
            failure = Optional.of("the health check failed: " + e);
        }
        if (state.get() == Lifecycle.CLOSED) {
            return; // a check cut short by close() says nothing about the service
        }
        if (failure.isEmpty()) {
            consecutiveFailures = 0;
            if (down) {
                down = false;
                log.info("service healthy again ({})", check);
                notify(true, null);
            }
            return;
        }
        consecutiveFailures++;
        if (down) {
            return;
        }
        if (consecutiveFailures >= failuresBeforeDown) {
            down = true;
            log.warn("service down after {} failed check(s) in a row: {}", consecutiveFailures, failure.get());
            notify(false, failure.get());
        } else {
            log.info("service check failed ({} of {}): {}", consecutiveFailures, failuresBeforeDown, failure.get());
        }
    }

    private void notify(boolean up, String why) {
        try {
            if (up) {
                listener.onServiceUp();
            } else {
                listener.onServiceDown(why);
            }
        } catch (RuntimeException e) {
            log.error("service {} listener failed", up ? "up" : "down", e);
        }
    }

    /** Stops checking. A check in progress finishes but its result is ignored. Idempotent. */
    @Override
    public void close() {
        if (state.getAndSet(Lifecycle.CLOSED) == Lifecycle.STARTED && task != null) {
            task.cancel(false);
        }
    }
}
