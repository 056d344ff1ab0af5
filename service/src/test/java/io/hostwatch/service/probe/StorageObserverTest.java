package io.hostwatch.service.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
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
    private static final KeyPair KEY = StorageKeys.generate();

    @TempDir
    Path root;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private ScheduledExecutorService scheduler;
    private StorageObserver observer;
    private Slots slots;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        slots = new Slots(root);
        observer = new StorageObserver(root, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1), 2,
                nanos::get, Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC), scheduler,
                slots::registration);
        slots.register(ID, INC, KEY);
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
        assertThat(stale.detail()).as("the member's own last record read again is no replay")
                .isEqualTo("counter has not advanced for 3100 ms");
        assertThat(stale.flags()).isEmpty();
    }

    @Test
    void aNewlyRegisteredIncarnationCountsAsAnAdvance() throws IOException {
        write(ID, 50, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(5000);
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.STALE);

        UUID restarted = UUID.randomUUID();
        KeyPair newKey = StorageKeys.generate();
        slots.register(ID, restarted, newKey);
        slots.write(ID, 1, restarted, Set.of(StorageFlag.SERVICE_DOWN), newKey);
        read(ID);
        Evidence.Storage fresh = observer.current(ID);
        assertThat(fresh.status()).isEqualTo(SignalStatus.Storage.FRESH);
        assertThat(fresh.flags()).containsExactly(StorageFlag.SERVICE_DOWN);
        assertThat(fresh.incarnation()).isEqualTo(restarted.toString());
    }

    @Test
    void aNewIncarnationNobodyRegisteredIsNotAnAdvance() throws IOException {
        write(ID, 50, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(1000);
        write(ID, 1, UUID.randomUUID(), Set.of()); // signed by the registered key, but not its incarnation
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        assertThat(observer.current(ID).detail()).contains("registered incarnation");
        advance(3100);
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(observer.current(ID).seq()).isEqualTo(50);
    }

    @Test
    void unsignedRecordsCountOnlyForAMemberThatRegisteredNoKey() throws IOException {
        MemberId legacy = MemberId.of("compute", "legacy");
        slots.register(legacy, INC, null);
        slots.put(legacy, Slots.unsigned(1, INC, Set.of()));
        observer.track(legacy);
        read(legacy);
        advance(1000);
        slots.put(legacy, Slots.unsigned(2, INC, Set.of(StorageFlag.SERVICE_DOWN)));
        read(legacy);
        Evidence.Storage fresh = observer.current(legacy);
        assertThat(fresh.status()).isEqualTo(SignalStatus.Storage.FRESH);
        assertThat(fresh.detail()).contains("unsigned");
        assertThat(fresh.flags()).containsExactly(StorageFlag.SERVICE_DOWN);
    }

    @Test
    void aMemberWhoseRegistrationWasNeverSeenIsNeverFresh() throws IOException {
        MemberId unseen = MemberId.of("compute", "unseen");
        KeyPair key = StorageKeys.generate();
        observer.track(unseen);
        for (int seq = 1; seq <= 5; seq++) {
            slots.write(unseen, seq, INC, Set.of(), key);
            read(unseen);
            assertThat(observer.current(unseen) == null ? null : observer.current(unseen).status())
                    .isNotEqualTo(SignalStatus.Storage.FRESH);
            advance(1000);
        }
        assertThat(observer.current(unseen).status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        assertThat(observer.current(unseen).detail()).contains("no registration");
        advance(3100);
        read(unseen);
        assertThat(observer.current(unseen).status()).isEqualTo(SignalStatus.Storage.STALE);
    }

    @Test
    void theRegistrationIsRememberedAfterTheHeartbeatZnodeIsGone() throws IOException {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        slots.unregister(ID);
        advance(1000);
        write(ID, 2, INC, Set.of());
        read(ID);
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.FRESH);
    }

    @Test
    void fileTimesAndMemberWallClockNeverMakeASlotFresh() throws IOException {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        for (int i = 0; i < 4; i++) {
            advance(1000);
            // Touch the file into the future and rewrite the same record: no advance ...
            write(ID, 1, INC, Set.of());
            Files.setLastModifiedTime(StorageRecordCodec.slot(root, ID),
                    FileTime.from(Instant.now().plusSeconds(3600 * (i + 1))));
            read(ID);
            assertThat(observer.current(ID).status()).isNotEqualTo(SignalStatus.Storage.FRESH);
        }
        // ... but someone keeps rewriting the slot, so the detector does not call it stale either
        assertThat(observer.current(ID).status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        for (int i = 0; i < 7; i++) {
            advance(500);
            read(ID);
        }
        assertThat(observer.current(ID).status()).as("once it stands still").isEqualTo(SignalStatus.Storage.STALE);
    }

    @Test
    void identicalBytesPutBackAreAChangeNotAStillSlot() throws IOException {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        advance(1000);
        write(ID, 2, INC, Set.of());
        read(ID);
        byte[] seen = Files.readAllBytes(StorageRecordCodec.slot(root, ID));
        // The member writes on; a neighbour puts the record the detector last saw back each time.
        for (int seq = 3; seq < 10; seq++) {
            advance(600);
            write(ID, seq, INC, Set.of());
            slots.put(ID, seen);
            read(ID);
        }
        Evidence.Storage e = observer.current(ID);
        assertThat(e.status()).as("a live member hidden this way is not STALE: %s", e)
                .isEqualTo(SignalStatus.Storage.UNKNOWN);
    }

    @Test
    void missingOrCorruptSlotsNeverLookFresh() throws IOException {
        MemberId missing = MemberId.of("compute", "nofile");
        MemberId corrupt = MemberId.of("compute", "garbage");
        MemberId scribbled = MemberId.of("compute", "scribbled");
        for (MemberId id : new MemberId[] {missing, corrupt, scribbled}) {
            slots.register(id, INC, KEY);
            observer.track(id);
        }
        slots.put(corrupt, "garbage".getBytes());
        for (int i = 0; i < 4; i++) {
            slots.put(scribbled, ("garbage " + i).getBytes());
            read(missing);
            read(corrupt);
            read(scribbled);
            advance(1000);
            for (MemberId id : new MemberId[] {missing, corrupt, scribbled}) {
                Evidence.Storage e = observer.current(id);
                assertThat(e == null ? null : e.status()).as("%s", id).isNotEqualTo(SignalStatus.Storage.FRESH);
            }
        }
        read(missing);
        read(corrupt);
        read(scribbled);
        assertThat(observer.current(missing).status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(observer.current(missing).detail()).contains("no slot file");
        assertThat(observer.current(corrupt).status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(observer.current(corrupt).detail()).contains("unreadable record");
        // garbage that keeps changing: someone writes the slot, the detector does not guess
        assertThat(observer.current(scribbled).status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        assertThat(observer.current(scribbled).detail()).contains("unreadable record");
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
    void aFifoSwappedInBetweenCheckAndOpenHoldsOneThreadUntilReleased() throws Exception {
        write(ID, 1, INC, Set.of());
        Path slot = StorageRecordCodec.slot(root, ID);
        observer.beforeOpen = path -> {
            try {
                Files.delete(path);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Slots.mkfifo(path); // the regular file checked a moment ago is now a FIFO with no writer
        };
        observer.track(ID);
        observer.refresh(ID);
        ThreadPoolExecutor readers = (ThreadPoolExecutor) observer.readers();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() == 1);
        observer.beforeOpen = path -> { };
        for (int i = 0; i < 5; i++) {
            observer.refresh(ID); // joins the read in flight: no second thread
        }
        advance(1500);
        Evidence.Storage hung = observer.current(ID);
        assertThat(hung.status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        assertThat(hung.detail()).contains("has not returned");
        assertThat(readers.getActiveCount()).isEqualTo(1);

        observer.refresh(ID); // past the read timeout: the FIFO is opened read-write once, which frees the reader
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() == 0);
        read(ID);
        Evidence.Storage refused = observer.current(ID);
        assertThat(refused.status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        assertThat(refused.detail()).contains("not a regular file");
        assertThat(Files.isRegularFile(slot)).isFalse();
    }

    @Test
    void eachReadIsReportedWithWhatItFoundAndHowLongItTookOnTheMonotonicClock() throws IOException {
        List<String> reads = new CopyOnWriteArrayList<>();
        observer.observeReads((result, took) -> reads.add(result + " " + took.toMillis()));
        // The slot is opened 40 ms (on the detector's clock) after the read started.
        observer.beforeOpen = path -> advance(40);
        MemberId missing = MemberId.of("compute", "nofile");
        MemberId corrupt = MemberId.of("compute", "garbage");
        MemberId link = MemberId.of("compute", "link");
        for (MemberId id : new MemberId[] {ID, missing, corrupt, link}) {
            observer.track(id);
        }
        write(ID, 1, INC, Set.of());
        slots.put(corrupt, "garbage".getBytes());
        Files.createSymbolicLink(StorageRecordCodec.slot(root, link), StorageRecordCodec.slot(root, ID));

        read(ID);
        read(missing);
        read(corrupt);
        read(link);
        // a torn-looking record is read twice before it counts as corrupt: both opens are in its time
        assertThat(reads).containsExactly("ok 40", "missing 0", "corrupt 80", "refused 0");

        reads.clear();
        observer.observeReads((result, took) -> {
            throw new IllegalStateException("a broken observer");
        });
        advance(1000);
        write(ID, 2, INC, Set.of());
        read(ID);
        assertThat(observer.current(ID).status()).as("an observer never changes a judgement")
                .isEqualTo(SignalStatus.Storage.FRESH);
    }

    @Test
    void aJudgementsReadDoesNotWaitBehindTheReadsQueuedByTheScan() throws Exception {
        write(ID, 1, INC, Set.of());
        observer.track(ID);
        read(ID);
        // both ordinary readers held by slow slots, and the slot's next ordinary read queued behind them
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        observer.beforeOpen = path -> {
            if (path.getFileName().toString().startsWith("slow")) {
                try {
                    release.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try {
            for (String host : List.of("slow1", "slow2")) {
                MemberId slow = MemberId.of("compute", host);
                slots.register(slow, INC, KEY);
                write(slow, 1, INC, Set.of());
                observer.track(slow);
                observer.refresh(slow);
            }
            ThreadPoolExecutor readers = (ThreadPoolExecutor) observer.readers();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() == 2);
            var queued = observer.refresh(ID);
            advance(500);
            write(ID, 2, INC, Set.of());

            Evidence.Storage judged = observer.judge(ID).get(5, TimeUnit.SECONDS);

            assertThat(judged.status()).isEqualTo(SignalStatus.Storage.FRESH);
            assertThat(judged.seq()).isEqualTo(2);
            assertThat(queued).as("the queued read was the one done, by an urgent thread").isDone();
            assertThat(readers.getActiveCount()).as("the ordinary readers are still held").isEqualTo(2);
        } finally {
            release.countDown();
        }
    }

    private void read(MemberId id) {
        observer.refresh(id).join();
    }

    private void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private void write(MemberId id, long seq, UUID incarnation, Set<StorageFlag> flags) throws IOException {
        slots.write(id, seq, incarnation, flags, KEY);
    }
}
