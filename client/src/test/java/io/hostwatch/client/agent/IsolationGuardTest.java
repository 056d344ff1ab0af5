package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecordCodec;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The isolation state machine, driven check by check with a fake ticker and a scripted network. */
@Timeout(20)
class IsolationGuardTest {
    private static final MemberId ID = MemberId.of("compute", "h1");
    private static final Duration FENCE_AFTER = Duration.ofSeconds(30);
    private static final InetAddress GATEWAY = address("192.0.2.1");
    private static final InetAddress OTHER = address("198.51.100.7");

    @TempDir
    Path tmp;

    /** Runs nothing by itself: the tests call {@code checkOnce()}. */
    private final ScheduledExecutorService manual = new ScheduledThreadPoolExecutor(1) {
        @Override
        public void execute(Runnable command) {
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    };
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final Set<InetAddress> answering = new CopyOnWriteArraySet<>();
    private final List<InetAddress> probed = new ArrayList<>();
    private final List<String> responses = new ArrayList<>();
    private Optional<String> nextResponse = Optional.empty();
    private StorageHeartbeatWriter writer;
    private ScheduledExecutorService writerThread;

    @AfterEach
    void tearDown() {
        manual.shutdownNow();
        if (writer != null) {
            writer.close();
        }
        if (writerThread != null) {
            writerThread.shutdownNow();
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private IsolationGuard.Builder builder() {
        writer = new StorageHeartbeatWriter(tmp, ID, UUID.randomUUID(), Duration.ofSeconds(1), manual,
                Clock.systemUTC());
        return IsolationGuard.builder(writer, manual)
                .defaultGateway(() -> List.of(GATEWAY))
                .reachability((a, timeout) -> {
                    probed.add(a);
                    return answering.contains(a);
                })
                .fenceAfter(FENCE_AFTER)
                .response(() -> {
                    responses.add("ran at " + nanos.get());
                    return nextResponse;
                })
                .ticker(nanos::get);
    }

    private IsolationGuard started(IsolationGuard.Builder builder) {
        IsolationGuard guard = builder.build();
        guard.start(true);
        return guard;
    }

    private void elapse(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private Set<StorageFlag> flags() {
        return writer.flags();
    }

    @Test
    void connectedHostIsNeverProbedNorFlagged() {
        IsolationGuard guard = started(builder());
        guard.checkOnce();
        guard.stateChanged(null, ConnectionState.RECONNECTED);
        guard.checkOnce();
        assertThat(probed).isEmpty();
        assertThat(flags()).isEmpty();
    }

    @Test
    void suspendedAndSilentMarksIsolatedThenFencesAfterTheDeadline() {
        IsolationGuard guard = started(builder());
        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce();
        assertThat(probed).containsExactly(GATEWAY);
        assertThat(guard.isIsolated()).isTrue();
        assertThat(flags()).containsExactly(StorageFlag.ISOLATED);

        elapse(FENCE_AFTER.minusMillis(1));
        guard.checkOnce();
        assertThat(responses).isEmpty();

        guard.stateChanged(null, ConnectionState.LOST); // still cut off: the clock keeps running
        elapse(Duration.ofMillis(1));
        guard.checkOnce();
        assertThat(responses).hasSize(1);
        assertThat(guard.isFenced()).isTrue();
        assertThat(flags()).containsExactlyInAnyOrder(StorageFlag.ISOLATED, StorageFlag.FENCED);

        elapse(Duration.ofMinutes(5));
        guard.checkOnce();
        assertThat(responses).as("a fenced host does not fence again").hasSize(1);
    }

    @Test
    void anAddressThatAnswersMeansZooKeeperIsTheProblemNotTheHost() {
        IsolationGuard guard = started(builder().addresses(List.of(OTHER, GATEWAY)));
        answering.add(GATEWAY);
        guard.stateChanged(null, ConnectionState.LOST);
        for (int i = 0; i < 5; i++) {
            guard.checkOnce();
            elapse(FENCE_AFTER);
        }
        assertThat(probed).contains(OTHER, GATEWAY);
        assertThat(guard.isIsolated()).isFalse();
        assertThat(flags()).isEmpty();
        assertThat(responses).isEmpty();
    }

    @Test
    void healsBeforeTheDeadlineWithoutRunningTheResponseAndStartsTheClockOver() {
        IsolationGuard guard = started(builder());
        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce();
        elapse(FENCE_AFTER.minusSeconds(5));
        guard.stateChanged(null, ConnectionState.RECONNECTED);
        guard.checkOnce();
        assertThat(flags()).isEmpty();

        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce();
        elapse(Duration.ofSeconds(10)); // 35 s since the first isolation began, 10 s into this one
        guard.checkOnce();
        assertThat(responses).isEmpty();
        assertThat(flags()).containsExactly(StorageFlag.ISOLATED);
    }

    @Test
    void fencedStaysUntilTheConnectionIsBackEvenWhenTheNetworkAnswersFirst() {
        IsolationGuard guard = started(builder());
        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce();
        elapse(FENCE_AFTER);
        guard.checkOnce();
        assertThat(flags()).containsExactlyInAnyOrder(StorageFlag.ISOLATED, StorageFlag.FENCED);

        answering.add(GATEWAY);
        guard.checkOnce();
        assertThat(flags()).containsExactly(StorageFlag.FENCED);
        assertThat(guard.isIsolated()).isFalse();

        answering.clear(); // silent again: isolated again, and still fenced, so no second response
        elapse(FENCE_AFTER.multipliedBy(2));
        guard.checkOnce();
        guard.checkOnce();
        assertThat(flags()).containsExactlyInAnyOrder(StorageFlag.ISOLATED, StorageFlag.FENCED);
        assertThat(responses).hasSize(1);

        guard.stateChanged(null, ConnectionState.RECONNECTED);
        guard.checkOnce();
        assertThat(flags()).isEmpty();
        assertThat(guard.isFenced()).isFalse();
    }

    @Test
    void aFailedResponseIsRetriedWithBackOffAndFencedOnlyOnSuccess() {
        IsolationGuard guard = started(builder());
        nextResponse = Optional.of("the isolation response exited with status 1");
        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce();
        elapse(FENCE_AFTER);
        guard.checkOnce();
        assertThat(responses).hasSize(1);
        assertThat(flags()).containsExactly(StorageFlag.ISOLATED);

        guard.checkOnce(); // back-off: 1 s
        assertThat(responses).hasSize(1);
        elapse(Duration.ofSeconds(1));
        guard.checkOnce();
        assertThat(responses).hasSize(2);
        elapse(Duration.ofMillis(1_999)); // then 2 s
        guard.checkOnce();
        assertThat(responses).hasSize(2);
        elapse(Duration.ofMillis(1));
        nextResponse = Optional.empty();
        guard.checkOnce();
        assertThat(responses).hasSize(3);
        assertThat(flags()).containsExactlyInAnyOrder(StorageFlag.ISOLATED, StorageFlag.FENCED);
    }

    @Test
    void withoutAResponseTheHostIsIsolatedButNeverFenced() {
        IsolationGuard guard = started(builder().response(null));
        guard.stateChanged(null, ConnectionState.LOST);
        guard.checkOnce();
        elapse(Duration.ofHours(1));
        guard.checkOnce();
        assertThat(flags()).containsExactly(StorageFlag.ISOLATED);
        assertThat(guard.isFenced()).isFalse();
    }

    @Test
    void withNoIsolationAddressItNeverClaimsIsolation() {
        IsolationGuard guard = started(builder().defaultGateway(List::of));
        guard.stateChanged(null, ConnectionState.LOST);
        guard.checkOnce();
        elapse(Duration.ofHours(1));
        guard.checkOnce();
        assertThat(probed).isEmpty();
        assertThat(flags()).isEmpty();
        assertThat(responses).isEmpty();
    }

    @Test
    void rereadsTheDefaultGatewayWhenTheConnectionIsLostButKeepsOneThatVanished() {
        List<List<InetAddress>> tables = new ArrayList<>(List.of(List.of(), List.of(GATEWAY), List.of()));
        Supplier<List<InetAddress>> routes = () -> tables.size() > 1 ? tables.remove(0) : tables.get(0);
        IsolationGuard guard = started(builder().defaultGateway(routes)); // none at start
        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce(); // a gateway by now
        assertThat(probed).containsExactly(GATEWAY);
        assertThat(flags()).containsExactly(StorageFlag.ISOLATED);

        guard.stateChanged(null, ConnectionState.RECONNECTED);
        guard.checkOnce();
        guard.stateChanged(null, ConnectionState.SUSPENDED);
        guard.checkOnce(); // the route went away with the link: the last gateway known is still probed
        assertThat(probed).containsExactly(GATEWAY, GATEWAY);
        assertThat(flags()).containsExactly(StorageFlag.ISOLATED);
    }

    @Test
    void closedGuardDoesNothing() {
        IsolationGuard guard = started(builder());
        guard.close();
        guard.close();
        guard.stateChanged(null, ConnectionState.LOST);
        guard.checkOnce();
        assertThat(probed).isEmpty();
        assertThat(flags()).isEmpty();
    }

    @Test
    void flagsReachTheSlotWithoutTheGuardWaitingForStorage() throws Exception {
        writerThread = NamedThreads.scheduler("test-storage");
        writer = new StorageHeartbeatWriter(tmp, ID, UUID.randomUUID(), Duration.ofHours(1), writerThread,
                Clock.systemUTC());
        Path fenced = tmp.resolve("fenced");
        IsolationGuard guard = IsolationGuard.builder(writer, manual)
                .defaultGateway(() -> List.of(GATEWAY))
                .reachability((a, timeout) -> false)
                .fenceAfter(FENCE_AFTER)
                .response(IsolationResponse.command("touch \"" + fenced + "\" && test \"$HOSTWATCH_HOST\" = h1",
                        Duration.ofSeconds(10), ID))
                .ticker(nanos::get)
                .build();
        writer.start(); // the next scheduled write is an hour away: only writeSoon() can write
        guard.start(false);
        guard.checkOnce();
        // the writer's first record may not be on storage yet: wait for it rather than fail at once
        await().atMost(Duration.ofSeconds(5)).ignoreException(NoSuchFileException.class)
                .until(() -> slotFlags().contains(StorageFlag.ISOLATED));
        elapse(FENCE_AFTER);
        guard.checkOnce();
        assertThat(fenced).exists();
        await().atMost(Duration.ofSeconds(5)).until(() -> slotFlags().contains(StorageFlag.FENCED));
        guard.stateChanged(null, ConnectionState.RECONNECTED);
        guard.checkOnce();
        await().atMost(Duration.ofSeconds(5)).until(() -> slotFlags().isEmpty());
    }

    private Set<StorageFlag> slotFlags() throws Exception {
        return StorageRecordCodec.decode(Files.readAllBytes(StorageRecordCodec.slot(tmp, ID))).flags();
    }
}
