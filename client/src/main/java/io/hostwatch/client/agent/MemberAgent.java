package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import io.hostwatch.client.HostwatchVersion;
import io.hostwatch.client.zk.ZkRetryPolicy;
import io.hostwatch.client.zk.ZkTls;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.ZkPaths;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member agent of one host: the storage heartbeat, the network heartbeat and, when configured,
 * supervision of the host's service, started and stopped in a safe order.
 *
 * <p>{@link #start()} proves the storage directory writable before it touches ZooKeeper (an
 * unwritable one is a configuration error: start fails and nothing is registered), then starts the
 * storage heartbeat, the isolation guard and the registration, and returns. It never waits for
 * ZooKeeper: with ZooKeeper unreachable, slow, or still holding a previous process's znode, the
 * storage heartbeat and the isolation guard run (an agent started on an isolated host marks
 * {@code ISOLATED} and fences) and registration is tried until it succeeds
 * ({@link #awaitRegistered(Duration)}, {@link #onRegistered(Runnable)}). The agent ends only when
 * it is closed. {@link #close()} is the graceful stop: the storage record
 * says {@link StorageFlag#STOPPING} and the znode says {@code leaving} before the znode is removed,
 * so the detector reports {@code STOPPED}, never a failure.
 *
 * <p>While the supervised service is down, the znode is withdrawn and the storage record carries
 * {@link StorageFlag#SERVICE_DOWN}; both are undone when the service passes a check again.
 *
 * <p>The {@link IsolationGuard} watches the ZooKeeper connection: cut off from ZooKeeper and from
 * its isolation addresses, the host records {@link StorageFlag#ISOLATED}, runs its isolation
 * response after {@code fenceAfter} and records {@link StorageFlag#FENCED}. The registration
 * declares the matching self-fence deadline ({@link AgentConfig#selfFenceDeadline(java.time.Duration)}).
 */
public final class MemberAgent implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MemberAgent.class);
    private static final long EXECUTOR_STOP_WAIT_MILLIS = 5_000;
    /** How long a graceful stop keeps the znode marked leaving before deleting it. */
    static final long LEAVING_DRAIN_MILLIS = 1_000;
    private static final Duration MAX_REGISTRATION_BACKOFF = Duration.ofSeconds(5);

    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.LATENT);
    private final AgentConfig config;
    private final Clock clock;
    private final MemberId id;
    private final Reachability reachability;
    private final UUID incarnation = UUID.randomUUID();
    private ScheduledExecutorService storageScheduler;
    private ScheduledExecutorService healthScheduler;
    private ScheduledExecutorService isolationScheduler;
    private StorageHeartbeatWriter writer;
    private CuratorFramework client;
    private RegistrationLoop registrationLoop;
    private volatile Runnable registeredCallback = () -> { };
    private final Object supervisorLock = new Object();
    private ServiceSupervisor supervisor;
    private IsolationGuard isolationGuard;

    public MemberAgent(AgentConfig config) {
        this(config, Clock.systemUTC());
    }

    /** @param clock wall time for the records (display only; nothing is judged by it) */
    public MemberAgent(AgentConfig config, Clock clock) {
        this(config, clock, Reachability.icmpOrTcp());
    }

    /** @param reachability how isolation addresses are probed: tests script the network with it */
    MemberAgent(AgentConfig config, Clock clock, Reachability reachability) {
        this.config = config;
        this.clock = clock;
        this.reachability = reachability;
        this.id = config.id();
    }

    public AgentConfig config() {
        return config;
    }

    public MemberId id() {
        return id;
    }

    /** This process's start id, written into the znode and every storage record. */
    public UUID incarnation() {
        return incarnation;
    }

    /**
     * Called once on the registering thread when the heartbeat znode is first registered; it must
     * not block for long. Set it before {@link #start()}.
     */
    public void onRegistered(Runnable callback) {
        this.registeredCallback = callback;
    }

    /** Waits up to {@code timeout} for the heartbeat znode's first registration. */
    public boolean awaitRegistered(Duration timeout) throws InterruptedException {
        RegistrationLoop loop = registrationLoop;
        return loop != null && loop.await(timeout);
    }

    /** True once the heartbeat znode has been registered (and while it is not withdrawn). */
    public boolean isRegistered() {
        RegistrationLoop loop = registrationLoop;
        HeartbeatRegistration r = loop == null ? null : loop.current();
        return r != null && r.isRegistered();
    }

    /**
     * Starts the agent: storage heartbeat, isolation guard, and registration in the background.
     * Returns without waiting for ZooKeeper.
     *
     * @throws HostwatchException when the storage directory is not writable; nothing is registered
     */
    public synchronized void start() {
        if (!state.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("already started");
        }
        try {
            doStart();
        } catch (RuntimeException e) {
            state.set(Lifecycle.CLOSED);
            release();
            throw e;
        }
    }

    private void doStart() {
        log.info("member {} starting, incarnation {}, version {}", id, incarnation, HostwatchVersion.get());
        storageScheduler = NamedThreads.scheduler("hostwatch-storage");
        writer = new StorageHeartbeatWriter(config.storageRoot(), id, incarnation, config.storageInterval(),
                storageScheduler, clock);
        try {
            writer.writeNow();
        } catch (HostwatchException e) {
            String reason = e.getCause() instanceof IOException io ? StorageHeartbeatWriter.describe(io) : e.getMessage();
            throw new HostwatchException("storage directory " + writer.slot().getParent() + " is not writable: "
                    + reason, e);
        }
        log.info("storage slot {} written (seq {})", writer.slot(), writer.lastSeq());

        // The storage heartbeat runs while registration waits for ZooKeeper or for a stale znode to
        // expire: the host is alive, and its storage should say so.
        writer.start();
        connect();
        startIsolationGuard();

        registrationLoop = new RegistrationLoop(client, config.connectString(),
                () -> {
                    requireEnrollment();
                    return new HeartbeatRegistration(client, newRegistration(), config.registrationWait());
                },
                MAX_REGISTRATION_BACKOFF, this::registered);
        registrationLoop.start();
        log.info("member {} running; registering its heartbeat znode in the background", id);
    }

    /** On the registering thread, once: supervision starts only with a znode it can withdraw. */
    private void registered(HeartbeatRegistration registration) {
        log.info("member {} registered: heartbeat znode {} is up", id,
                ZkPaths.heartbeat(id));
        synchronized (supervisorLock) {
            if (state.get() == Lifecycle.STARTED) {
                config.healthCheck().ifPresent(check -> {
                    healthScheduler = NamedThreads.scheduler("hostwatch-health");
                    supervisor = new ServiceSupervisor(check, config.healthInterval(), config.healthFailures(),
                            healthScheduler, new SupervisorListener(registration));
                    supervisor.start();
                });
            }
        }
        try {
            registeredCallback.run();
        } catch (RuntimeException e) {
            log.error("registration callback failed", e);
        }
    }

    private void connect() {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(config.connectString())
                .sessionTimeoutMs((int) config.sessionTimeout().toMillis())
                .connectionTimeoutMs((int) config.connectionTimeout().toMillis())
                .retryPolicy(ZkRetryPolicy.create())
                .zkClientConfig(ZkTls.clientConfig(Optional.ofNullable(config.zkTls())))
                .aclProvider(HeartbeatRegistration.aclProvider(config.zkTls() != null))
                .build();
        client = c; // closed by release() if anything below fails
        c.getConnectionStateListenable().addListener((cf, newState) -> logConnectionState(newState));
        log.info("connecting to ZooKeeper at {} (session timeout {}) {}", config.connectString(),
                Durations.format(config.sessionTimeout()), config.zkTls() == null ? "in plain text, no identity"
                        : "over TLS as " + config.zkTls().subject().orElse("(no certificate)"));
        c.start(); // connects in the background, for as long as it takes
    }

    /**
     * With an identity, the host must have been enrolled (its node {@code /hostwatch/members/{group}/{host}}
     * exists): a protected ensemble refuses anything else, so each registration attempt says so at
     * once rather than after the registration wait. Once an operator enrolls the host, the next
     * attempt registers it.
     */
    private void requireEnrollment() {
        if (config.zkTls() == null) {
            return;
        }
        String enrollment = ZkPaths.member(id);
        try {
            if (client.checkExists().forPath(enrollment) == null) {
                throw new HostwatchException("host " + id.host() + " is not enrolled in group " + id.group() + " ("
                        + enrollment + " does not exist): an operator enrolls it first with 'hostwatch enroll "
                        + id.group() + " " + id.host() + "' (docs/security.md)");
            }
        } catch (HostwatchException e) {
            throw e;
        } catch (Exception e) {
            throw new HostwatchException("cannot check the enrollment " + enrollment + ": " + e.getMessage(), e);
        }
    }

    private void startIsolationGuard() {
        isolationScheduler = NamedThreads.scheduler("hostwatch-isolation");
        isolationGuard = IsolationGuard.builder(writer, isolationScheduler)
                .addresses(config.isolationInetAddresses())
                .reachability(reachability)
                .fenceAfter(config.fenceAfter())
                .response(config.isolationResponseCommand().orElse(null))
                .build();
        client.getConnectionStateListenable().addListener(isolationGuard);
        isolationGuard.start(client.getZookeeperClient().isConnected());
    }

    private MemberRegistration newRegistration() {
        Duration negotiated = negotiatedSessionTimeout();
        if (negotiated != null && !negotiated.equals(config.sessionTimeout())) {
            log.warn("ZooKeeper granted a session timeout of {} ms instead of {}: the server's "
                    + "minSessionTimeout/maxSessionTimeout bound it", negotiated.toMillis(),
                    Durations.format(config.sessionTimeout()));
        }
        Long fenceAfterMillis = config.selfFenceDeadline(negotiated).map(Duration::toMillis)
                .orElse(null);
        return new MemberRegistration(id.group(), id.host(), config.address(), incarnation.toString(),
                clock.instant(), false, config.storageInterval().toMillis(), HostwatchVersion.get(), fenceAfterMillis,
                writer.storageKey());
    }

    private Duration negotiatedSessionTimeout() {
        try {
            return Duration.ofMillis(client.getZookeeperClient().getZooKeeper().getSessionTimeout());
        } catch (Exception e) {
            return null;
        }
    }

    private static void logConnectionState(ConnectionState newState) {
        switch (newState) {
            case SUSPENDED -> log.warn("ZooKeeper connection suspended");
            case LOST -> log.warn("ZooKeeper session lost; the heartbeat znode will be created again on reconnect");
            case RECONNECTED -> log.info("ZooKeeper connection re-established");
            default -> log.debug("ZooKeeper connection {}", newState);
        }
    }

    /**
     * Graceful stop: records {@code STOPPING} in storage, marks the znode leaving, removes it, stops
     * the storage heartbeat (its last record keeps {@code STOPPING}) and disconnects. Idempotent;
     * a failing step is logged and the following ones still run.
     */
    @Override
    public synchronized void close() {
        Lifecycle previous = state.getAndSet(Lifecycle.CLOSED);
        if (previous != Lifecycle.STARTED) {
            return;
        }
        log.info("member {} stopping gracefully", id);
        registrationLoop.close();
        synchronized (supervisorLock) {
            if (supervisor != null) {
                supervisor.close();
                NamedThreads.shutdown(healthScheduler, EXECUTOR_STOP_WAIT_MILLIS);
            }
        }
        if (isolationGuard != null) {
            isolationGuard.close();
            NamedThreads.shutdown(isolationScheduler, EXECUTOR_STOP_WAIT_MILLIS);
        }
        writer.setFlag(StorageFlag.STOPPING);
        try {
            writer.writeNow();
            log.info("storage slot records STOPPING (seq {})", writer.lastSeq());
        } catch (RuntimeException e) {
            log.warn("cannot record STOPPING in storage: {}", e.getMessage());
        }
        HeartbeatRegistration registration = registrationLoop.current();
        if (registration != null && registration.markLeaving()) {
            // Keep the znode, marked leaving, for a moment: a watcher reads a change after being told
            // of it, and one that read it only after the deletion would take the stop for a loss.
            try {
                Thread.sleep(LEAVING_DRAIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        release();
        log.info("member {} stopped", id);
    }

    /** Stops whatever has been started, in reverse order. */
    private void release() {
        if (registrationLoop != null) {
            registrationLoop.close();
        }
        synchronized (supervisorLock) {
            if (supervisor != null) {
                supervisor.close();
            }
            NamedThreads.shutdown(healthScheduler, EXECUTOR_STOP_WAIT_MILLIS);
        }
        if (isolationGuard != null) {
            isolationGuard.close();
        }
        NamedThreads.shutdown(isolationScheduler, EXECUTOR_STOP_WAIT_MILLIS);
        HeartbeatRegistration registration = registrationLoop == null ? null : registrationLoop.current();
        if (registration != null) {
            registration.close();
        }
        if (writer != null) {
            writer.close();
        }
        NamedThreads.shutdown(storageScheduler, EXECUTOR_STOP_WAIT_MILLIS);
        if (client != null) {
            client.close();
            log.info("ZooKeeper client closed");
        }
    }

    /** Withdraws the heartbeat while the service is down, restores it once it is healthy again. */
    private final class SupervisorListener implements ServiceSupervisor.Listener {
        private final HeartbeatRegistration registration;

        SupervisorListener(HeartbeatRegistration registration) {
            this.registration = registration;
        }

        @Override
        public void onServiceDown(String why) {
            writer.setFlag(StorageFlag.SERVICE_DOWN);
            writeNowQuietly(); // the flag is on storage before the detector sees the znode go
            registration.withdraw();
        }

        @Override
        public void onServiceUp() {
            writer.clearFlag(StorageFlag.SERVICE_DOWN);
            writeNowQuietly();
            registration.restore();
        }

        private void writeNowQuietly() {
            try {
                writer.writeNow();
            } catch (RuntimeException e) {
                log.warn("cannot write the storage record now, the next tick retries: {}", e.getMessage());
            }
        }
    }
}
