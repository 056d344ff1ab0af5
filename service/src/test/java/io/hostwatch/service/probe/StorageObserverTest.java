package io.hostwatch.service.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Storage judgement on real files, with the detector's monotonic clock driven by the test. */
@Timeout(20)
class StorageObserverTest {
    private static final MemberId ID = MemberId.of("compute", "host1");
    private static final UUID INC = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    @TempDir
    Path root;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private ScheduledExecutorService scheduler;
    private StorageObserver observer;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        observer = new StorageObserver(root, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1), 2,
                nanos::get, Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC), scheduler);
    }

    @AfterEach
    void tearDown() {
        observer.close();
        scheduler.shutdownNow();
    }

    @Test
    void freshWhileTheCounterAdvancesStaleOnceItStops() throws IOException {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        assertThat(observer.current(ID)).as("one read cannot decide").isNull();

        advance(1000);
        write(ID, 2, INC, Set.of());
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.FRESH);

        advance(2900);
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.FRESH);

        advance(200);
        read(ID);
        Evidence.Storage stale = observer.current(ID);
        assertThat(stale.status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(stale.millisSinceAdvance()).isEqualTo(3100);
        assertThat(stale.seq()).isEqualTo(2);
        assertThat(stale.incarnation()).isEqualTo(INC.toString());
    }

    @Test
    void aNewIncarnationCountsAsAnAdvance() throws IOException {
        write(ID, 50, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(5000);
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.STALE);

        write(ID, 1, UUID.randomUUID(), Set.of(StorageFlag.SERVICE_DOWN));
        read(ID);
        Evidence.Storage fresh = observer.current(ID);
        assertThat(fresh.status()).isEqualTo(SignalStatus.Storage.FRESH);
        assertThat(fresh.flags()).containsExactly(StorageFlag.SERVICE_DOWN);
    }

    @Test
    void fileTimesAndMemberWallClockAreIgnored() throws IOException {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        for (int i = 0; i < 4; i++) {
            advance(1000);
            // Touch the file into the future and rewrite the same record: no advance.
            write(ID, 1, INC, Set.of());
            Files.setLastModifiedTime(StorageRecordCodec.slot(root, ID),
                    FileTime.from(Instant.now().plusSeconds(3600 * (i + 1))));
            read(ID);
        }
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.STALE);
    }

    @Test
    void missingOrCorruptSlotsNeverLookFresh() throws IOException {
        MemberId missing = MemberId.of("compute", "nofile");
        MemberId corrupt = MemberId.of("compute", "garbage");
        Path garbage = StorageRecordCodec.slot(root, corrupt);
        Files.createDirectories(garbage.getParent());
        observer.track(missing);
        observer.track(corrupt);
        for (int i = 0; i < 4; i++) {
            Files.write(garbage, ("garbage " + i).getBytes());
            read(missing);
            read(corrupt);
            advance(1000);
        }
        read(missing);
        read(corrupt);
        assertThat(observer.current(missing).status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(observer.current(missing).detail()).contains("no slot file");
        assertThat(observer.current(corrupt).status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(observer.current(corrupt).detail()).contains("unreadable record");
    }

    @Test
    void judgeAnswersAtOnceWhenHistoryDecides() throws Exception {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(500);
        write(ID, 2, INC, Set.of());

        Evidence.Storage judged = observer.judge(ID).get(5, TimeUnit.SECONDS);

        assertThat(judged.status()).isEqualTo(SignalStatus.Storage.FRESH);
        assertThat(judged.seq()).isEqualTo(2);
    }

    @Test
    void afterAHeartbeatLossOnlyANewAdvanceIsFresh() throws Exception {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(1000);
        write(ID, 2, INC, Set.of());
        read(ID);
        advance(500);
        long lostAt = nanos.get();
        assertThat(observer.current(ID).status()).as("by the usual rule").isEqualTo(SignalStatus.Storage.FRESH);

        var judged = observer.judge(ID, lostAt);
        // No write since the loss: undecided, the judgement keeps reading.
        assertThat(judged).isNotDone();
        advance(200);
        write(ID, 3, INC, Set.of());
        Evidence.Storage fresh = judged.get(5, TimeUnit.SECONDS);
        assertThat(fresh.status()).isEqualTo(SignalStatus.Storage.FRESH);
        assertThat(fresh.seq()).isEqualTo(3);
    }

    @Test
    void afterAHeartbeatLossASilentSlotGoesStale() throws Exception {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(1000);
        write(ID, 2, INC, Set.of());
        read(ID);
        long lostAt = nanos.get();
        var judged = observer.judge(ID, lostAt);
        assertThat(judged).isNotDone();
        advance(3100);
        Evidence.Storage stale = judged.get(5, TimeUnit.SECONDS);
        assertThat(stale.status()).isEqualTo(SignalStatus.Storage.STALE);
    }

    @Test
    void aHungReadIsUnknownAndHoldsOneThreadOnly() throws Exception {
        Path fifo = StorageRecordCodec.slot(root, ID);
        Files.createDirectories(fifo.getParent());
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        observer.track(ID);
        try {
            for (int i = 0; i < 5; i++) {
                observer.refresh(ID);
            }
            advance(1500);
            Evidence.Storage hung = observer.current(ID);
            assertThat(hung.status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
            assertThat(hung.detail()).contains("has not returned");
            assertThat(((java.util.concurrent.ThreadPoolExecutor) observer.readers()).getActiveCount())
                    .isLessThanOrEqualTo(1);
        } finally {
            try (OutputStream unblock = Files.newOutputStream(fifo)) {
                unblock.write(1);
            }
        }
    }

    private void read(MemberId id) {
        observer.refresh(id).join();
    }

    private void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private void write(MemberId id, long seq, UUID incarnation, Set<StorageFlag> flags) throws IOException {
        Path slot = StorageRecordCodec.slot(root, id);
        Files.createDirectories(slot.getParent());
        Files.write(slot, StorageRecordCodec.encode(new StorageRecord(seq, incarnation, flags, 1000,
                System.currentTimeMillis())));
    }
}
