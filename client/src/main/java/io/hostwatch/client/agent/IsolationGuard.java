package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import io.hostwatch.schema.StorageFlag;
import java.io.Closeable;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects this host's own network isolation and fences the host (SPEC §3).
 *
 * <p>The host is <em>isolated</em> while its ZooKeeper connection is SUSPENDED or LOST <em>and</em>
 * none of its isolation addresses answers ({@link Reachability}); by default those are its IPv4
 * default gateways. Then the storage record carries {@link StorageFlag#ISOLATED}. After
 * {@code fenceAfter} of continuous isolation the {@link IsolationResponse} runs; once it succeeds
 * the record also carries {@link StorageFlag#FENCED}, and the detector may make the host's
 * {@code ISOLATED} verdict actionable. A failed response is logged and retried with back-off. With
 * no response configured the host is never FENCED.
 *
 * <p>Heal: when an isolation address answers again, {@code ISOLATED} is cleared (the cut is then on
 * the way to ZooKeeper, not the host's network) and the fence clock starts over; when the
 * connection is back, {@code ISOLATED} and {@code FENCED} are both cleared. {@code FENCED} stays
 * until then: the response stopped the host's workloads, and only a connected agent may say the
 * host is in service again. A fenced host does not run its response again until it has healed.
 *
 * <p>With no isolation address at all (none configured and no default route) isolation cannot be
 * told apart from a ZooKeeper outage, so the guard never marks {@code ISOLATED}: the safe side.
 *
 * <p>What ZooKeeper will do to you: the client notices a silent cut only after its read timeout
 * (two thirds of the session timeout), so isolation is detected that much later than it happened;
 * {@link AgentConfig#selfFenceDeadline(Duration)} accounts for it.
 *
 * <p>Checks run every check interval on the injected scheduler's thread, which also runs the
 * response: give the guard a thread of its own. Nothing here waits for storage: flags are handed to
 * the {@link StorageHeartbeatWriter} with {@link StorageHeartbeatWriter#writeSoon()}, so a hung
 * storage mount cannot delay the response. Connection-state callbacks only record the state and
 * never block.
 */
public final class IsolationGuard implements ConnectionStateListener, Closeable {
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(1);
    static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(IsolationGuard.class);

    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.LATENT);
    private final StorageHeartbeatWriter writer;
    private final ScheduledExecutorService scheduler;
    private final List<InetAddress> configured;
    private final Supplier<List<InetAddress>> defaultGateway;
    private final Reachability reachability;
    private final Duration fenceAfter;
    private final IsolationResponse response;
    private final Duration checkInterval;
    private final Duration probeTimeout;
    private final LongSupplier ticker;
    private volatile boolean connected = true;
    private volatile boolean isolated;
    private volatile boolean fenced;
    private volatile ScheduledFuture<?> task;
    // Only touched by checkOnce(), under this object's lock.
    private List<InetAddress> addresses = List.of();
    private boolean connectedAtLastCheck = true;
    private long responseDueNanos;
    private int responseFailures;

    private IsolationGuard(Builder b) {
        this.writer = Objects.requireNonNull(b.writer, "writer");
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
        this.configured = List.copyOf(b.addresses);
        this.defaultGateway = b.defaultGateway;
        this.reachability = b.reachability;
        this.fenceAfter = b.fenceAfter;
        this.response = b.response;
        this.checkInterval = b.checkInterval;
        this.probeTimeout = b.probeTimeout;
        this.ticker = b.ticker;
    }

    /** A guard that flags through {@code writer} and checks on {@code scheduler}; everything else defaults. */
    public static Builder builder(StorageHeartbeatWriter writer, ScheduledExecutorService scheduler) {
        return new Builder(writer, scheduler);
    }

    /**
     * Starts checking every check interval. Register the guard as the client's connection-state
     * listener first, then pass whether the client is connected now.
     */
    public void start(boolean connectedNow) {
        if (!state.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("already started");
        }
        connected = connectedNow;
        synchronized (this) {
            addresses = configured.isEmpty() ? defaultGateway.get() : configured;
        }
        if (addresses.isEmpty()) {
            log.warn("no isolation address: none is configured (--isolation-address) and this host has no IPv4 "
                    + "default route in {}. Without one, this host's own network isolation cannot be told apart "
                    + "from a ZooKeeper outage, so the agent will never mark ISOLATED nor run its isolation "
                    + "response", DefaultGateway.PROC_NET_ROUTE);
        } else {
            log.info("isolation guard: isolated when ZooKeeper is unreachable and none of {} ({}) answers {}; {}",
                    describe(addresses), configured.isEmpty() ? "default gateway" : "configured", reachability,
                    response == null ? "no isolation response, so never FENCED"
                            : "then " + response + " after " + Durations.format(fenceAfter) + " of isolation");
        }
        long nanos = checkInterval.toNanos();
        task = scheduler.scheduleWithFixedDelay(this::checkOnce, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Records the connection state and checks soon. Never blocks (Curator's event thread calls it). */
    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        connected = newState.isConnected();
        if (state.get() == Lifecycle.STARTED) {
            try {
                scheduler.execute(this::checkOnce);
            } catch (RejectedExecutionException e) {
                log.debug("isolation guard is stopping; not checking now");
            }
        }
    }

    /** True while this host counts as isolated (and its record carries {@code ISOLATED}). */
    public boolean isIsolated() {
        return isolated;
    }

    /** True from a successful isolation response until the connection is back. */
    public boolean isFenced() {
        return fenced;
    }

    /** One check. Package-private so tests can drive it with a fake ticker instead of the schedule. */
    synchronized void checkOnce() {
        if (state.get() != Lifecycle.STARTED) {
            return;
        }
        try {
            check();
        } catch (RuntimeException e) {
            log.error("isolation check failed; the next one follows in {}", Durations.format(checkInterval), e);
        }
    }

    private void check() {
        if (connected) {
            connectedAtLastCheck = true;
            if (isolated || fenced) {
                heal("the ZooKeeper connection is back", true);
            }
            return;
        }
        if (connectedAtLastCheck) {
            connectedAtLastCheck = false;
            connectionLost();
        }
        if (addresses.isEmpty()) {
            return;
        }
        Optional<InetAddress> answering = addresses.stream()
                .filter(a -> reachability.answers(a, probeTimeout)).findFirst();
        if (state.get() != Lifecycle.STARTED || connected) {
            return; // closed, or reconnected while probing: the next check sees it
        }
        if (answering.isPresent()) {
            if (isolated) {
                heal(answering.get().getHostAddress() + " answers again (ZooKeeper is still unreachable: the cut "
                        + "is on the way to ZooKeeper, not this host's network)", false);
            }
            return;
        }
        if (!isolated) {
            isolate();
        }
        if (!fenced && response != null && ticker.getAsLong() - responseDueNanos >= 0) {
            respond();
        }
    }

    private void connectionLost() {
        if (configured.isEmpty()) {
            // A default route that vanished with the link says nothing; keep the last one known.
            List<InetAddress> gateways = defaultGateway.get();
            if (!gateways.isEmpty()) {
                addresses = gateways;
            }
        }
        if (addresses.isEmpty()) {
            log.warn("ZooKeeper connection lost and no isolation address is known: cannot tell this host's "
                    + "isolation from a ZooKeeper outage; not marking ISOLATED");
        } else {
            log.info("ZooKeeper connection lost: probing isolation addresses {} every {}", describe(addresses),
                    Durations.format(checkInterval));
        }
    }

    private void isolate() {
        isolated = true;
        responseDueNanos = ticker.getAsLong() + fenceAfter.toNanos();
        responseFailures = 0;
        writer.setFlag(StorageFlag.ISOLATED);
        writer.writeSoon();
        log.warn("this host is ISOLATED: ZooKeeper is unreachable and none of {} answers; {}", describe(addresses),
                fenced ? "already FENCED" : response == null ? "no isolation response is configured, so it will "
                        + "not be FENCED and its verdict stays non-actionable"
                        : "running " + response + " after " + Durations.format(fenceAfter) + " unless it heals");
    }

    private void respond() {
        log.warn("isolated for {}: running {}", Durations.format(fenceAfter), response);
        Optional<String> failure;
        try {
            failure = response.run();
        } catch (RuntimeException e) {
            failure = Optional.of("the isolation response failed: " + e);
        }
        if (failure.isEmpty()) {
            fenced = true;
            writer.setFlag(StorageFlag.FENCED);
            writer.writeSoon();
            log.warn("isolation response succeeded: this host is FENCED");
            return;
        }
        responseFailures++;
        long delay = Math.min(MAX_RETRY_DELAY.toNanos(),
                checkInterval.toNanos() << Math.min(20, responseFailures - 1));
        responseDueNanos = ticker.getAsLong() + delay;
        log.error("{} ({} failure(s) in a row); retrying in {} while still isolated", failure.get(),
                responseFailures, Durations.format(Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(delay))));
    }

    private void heal(String why, boolean connectionBack) {
        List<String> cleared = new ArrayList<>(2);
        if (isolated) {
            isolated = false;
            writer.clearFlag(StorageFlag.ISOLATED);
            cleared.add("ISOLATED");
        }
        if (connectionBack && fenced) {
            fenced = false;
            writer.clearFlag(StorageFlag.FENCED);
            cleared.add("FENCED");
        }
        writer.writeSoon();
        log.info("{}: {} cleared{}", why, String.join(" and ", cleared),
                fenced ? "; FENCED stays until ZooKeeper is back" : "");
    }

    private static String describe(List<InetAddress> list) {
        return list.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Stops checking; a check or response in progress finishes. The flags stay as they are. Idempotent. */
    @Override
    public void close() {
        if (state.getAndSet(Lifecycle.CLOSED) == Lifecycle.STARTED && task != null) {
            task.cancel(false);
        }
    }

    /** Builds an {@link IsolationGuard}. */
    public static final class Builder {
        private final StorageHeartbeatWriter writer;
        private final ScheduledExecutorService scheduler;
        private List<InetAddress> addresses = List.of();
        private Supplier<List<InetAddress>> defaultGateway = new DefaultGateway(DefaultGateway.PROC_NET_ROUTE);
        private Reachability reachability = Reachability.icmpOrTcp();
        private Duration fenceAfter = AgentConfig.DEFAULT_FENCE_AFTER;
        private IsolationResponse response;
        private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private LongSupplier ticker = System::nanoTime;

        private Builder(StorageHeartbeatWriter writer, ScheduledExecutorService scheduler) {
            this.writer = writer;
            this.scheduler = scheduler;
        }

        /** The isolation addresses; empty (the default) means this host's default gateways. */
        public Builder addresses(List<InetAddress> value) {
            this.addresses = value;
            return this;
        }

        /** Where the default gateways come from (default: {@code /proc/net/route}). */
        public Builder defaultGateway(Supplier<List<InetAddress>> value) {
            this.defaultGateway = value;
            return this;
        }

        public Builder reachability(Reachability value) {
            this.reachability = value;
            return this;
        }

        /** Continuous isolation before the response runs (default 30 s). */
        public Builder fenceAfter(Duration value) {
            this.fenceAfter = value;
            return this;
        }

        /** The isolation response; {@code null} (the default) for none. */
        public Builder response(IsolationResponse value) {
            this.response = value;
            return this;
        }

        public Builder checkInterval(Duration value) {
            this.checkInterval = value;
            return this;
        }

        public Builder probeTimeout(Duration value) {
            this.probeTimeout = value;
            return this;
        }

        /** Monotonic nanoseconds (default {@link System#nanoTime()}). */
        public Builder ticker(LongSupplier value) {
            this.ticker = value;
            return this;
        }

        public IsolationGuard build() {
            return new IsolationGuard(this);
        }
    }
}
