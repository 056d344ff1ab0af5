package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import java.io.Closeable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps trying to register the heartbeat znode until it succeeds: the agent never gives up because
 * ZooKeeper is unreachable, slow, or still holds a previous process's znode.
 *
 * <p>One thread of its own waits for a connection, then runs one {@link HeartbeatRegistration}
 * attempt (which waits, bounded, for a foreign znode to expire); a failed attempt is closed, logged
 * and tried again after a back-off that doubles up to {@code maxBackoff}. Once an attempt succeeds
 * the registration is handed to {@code onRegistered} (on this loop's thread; it must not block for
 * long) and the loop ends; from then on the registration's {@code PersistentNode} re-creates the
 * znode after a session loss.
 */
final class RegistrationLoop implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(RegistrationLoop.class);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.LATENT);
    private final CuratorFramework client;
    private final Supplier<HeartbeatRegistration> attempts;
    private final Consumer<HeartbeatRegistration> onRegistered;
    private final Duration maxBackoff;
    private final String connectString;
    private final CountDownLatch registered = new CountDownLatch(1);
    private volatile HeartbeatRegistration current;
    private Thread thread;

    /**
     * @param client a started client
     * @param connectString for log lines
     * @param attempts a new, unstarted registration for each attempt (built once connected, so it can
     *        carry the negotiated session timeout)
     * @param maxBackoff the longest pause between two failed attempts
     * @param onRegistered called once, with the registration that succeeded
     */
    RegistrationLoop(CuratorFramework client, String connectString, Supplier<HeartbeatRegistration> attempts,
                     Duration maxBackoff, Consumer<HeartbeatRegistration> onRegistered) {
        this.client = client;
        this.connectString = connectString;
        this.attempts = attempts;
        this.maxBackoff = maxBackoff;
        this.onRegistered = Objects.requireNonNull(onRegistered);
    }

    void start() {
        if (!state.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("already started");
        }
        thread = new Thread(this::run, "hostwatch-register");
        thread.setDaemon(true);
        thread.start();
    }

    /** The registration once it succeeded, else null. */
    HeartbeatRegistration current() {
        return current;
    }

    /** Waits up to {@code timeout} for the first successful registration. */
    boolean await(Duration timeout) throws InterruptedException {
        return registered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private boolean running() {
        return state.get() == Lifecycle.STARTED && !Thread.currentThread().isInterrupted();
    }

    private void run() {
        long backoff = FIRST_BACKOFF.toNanos();
        boolean waitingLogged = false;
        try {
            while (running()) {
                if (!client.getZookeeperClient().isConnected()) {
                    if (!waitingLogged) {
                        log.warn("ZooKeeper at {} is not reachable yet; the storage heartbeat and the isolation guard "
                                + "run meanwhile, and registration is tried until it succeeds", connectString);
                        waitingLogged = true;
                    }
                    client.blockUntilConnected(1, TimeUnit.SECONDS);
                    continue;
                }
                HeartbeatRegistration attempt = null;
                try {
                    attempt = attempts.get();
                    attempt.start();
                } catch (RuntimeException e) {
                    if (attempt != null) {
                        attempt.close();
                    }
                    if (!running()) {
                        return;
                    }
                    log.warn("registration not possible yet: {}; trying again in {}", e.getMessage(),
                            Durations.format(Duration.ofNanos(backoff)));
                    TimeUnit.NANOSECONDS.sleep(backoff);
                    backoff = Math.min(maxBackoff.toNanos(), backoff * 2);
                    continue;
                }
                synchronized (this) {
                    if (state.get() != Lifecycle.STARTED) {
                        attempt.close();
                        return;
                    }
                    current = attempt;
                }
                registered.countDown();
                onRegistered.accept(attempt);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops trying; a registration that succeeded is left to the caller to close. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (state.getAndSet(Lifecycle.CLOSED) != Lifecycle.STARTED) {
                return;
            }
        }
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                thread.join(CLOSE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
