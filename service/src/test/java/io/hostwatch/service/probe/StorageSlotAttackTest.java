package io.hostwatch.service.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.core.Observation;
import io.hostwatch.service.core.VerdictClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A neighbour with write access to the victim's slot directory (every member has it) tries to
 * keep a dead victim {@code FRESH} or to make a live, isolated one actionable. Real files; the
 * detector's monotonic clock is driven by the test. The victim's registration names its key.
 */
@Timeout(30)
class StorageSlotAttackTest {
    private static final MemberId VICTIM = MemberId.of("compute", "victim");
    private static final MemberId ATTACKER = MemberId.of("compute", "attacker");
    private static final UUID VICTIM_INC = UUID.randomUUID();
    private static final UUID ATTACKER_INC = UUID.randomUUID();
    private static final KeyPair VICTIM_KEY = StorageKeys.generate();
    private static final KeyPair ATTACKER_KEY = StorageKeys.generate();
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path root;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private ScheduledExecutorService scheduler;
    private StorageObserver observer;
    private Slots slots;
    private final List<Evidence.Storage> seen = new ArrayList<>();
    /** When the victim's last genuine record was read, and its counter. */
    private long lastGenuineNanos = Long.MIN_VALUE;
    private long lastGenuineSeq = -1;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        slots = new Slots(root);
        observer = new StorageObserver(root, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1), 2,
                nanos::get, Clock.fixed(NOW, ZoneOffset.UTC), scheduler, slots::registration);
        slots.register(VICTIM, VICTIM_INC, VICTIM_KEY);
        slots.register(ATTACKER, ATTACKER_INC, ATTACKER_KEY);
        observer.track(VICTIM);
    }

    @AfterEach
    void tearDown() {
        observer.close();
        scheduler.shutdownNow();
    }

    /** The victim writes records 1..n, one per second, the detector reading each; returns their bytes. */
    private List<byte[]> victimLives(int n, Set<StorageFlag> flags) {
        List<byte[]> written = new ArrayList<>();
        for (int seq = 1; seq <= n; seq++) {
            written.add(slots.write(VICTIM, seq, VICTIM_INC, flags, VICTIM_KEY));
            read();
            lastGenuineNanos = nanos.get();
            lastGenuineSeq = seq;
            advance(1000);
        }
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.FRESH);
        return written;
    }

    @Test
    void forgedRecordsSignedByAnUnknownKeyNeverMakeADeadVictimFresh() {
        victimLives(3, Set.of());
        slots.unregister(VICTIM); // powered off: znode gone, counter stopped at 3
        KeyPair forger = StorageKeys.generate();
        for (long seq = 4; seq < 14; seq++) {
            slots.put(VICTIM, Slots.signed(VICTIM, seq, VICTIM_INC, Set.of(), forger));
            read();
            advance(500);
            assertNeverFresh();
        }
        assertThat(observer.current(VICTIM).status()).as("someone is writing the slot").isEqualTo(
                SignalStatus.Storage.UNKNOWN);
        assertThat(observer.current(VICTIM).detail()).contains("not signed by the member's registered key");
        assertThat(observer.current(VICTIM).seq()).as("only the member's own counter is reported").isEqualTo(3);
        quietFor(3100);
        assertThat(observer.current(VICTIM).status()).as("once the forger stops, the dead victim is STALE")
                .isEqualTo(SignalStatus.Storage.STALE);
        assertThat(verdictOnPowerLoss().state()).isEqualTo(State.DEAD);
    }

    @Test
    void recordsSignedByTheAttackersOwnRegisteredKeyNeverCount() {
        victimLives(3, Set.of());
        for (long seq = 4; seq < 14; seq++) {
            slots.put(VICTIM, Slots.signed(VICTIM, seq, VICTIM_INC, Set.of(), ATTACKER_KEY));
            read();
            advance(500);
            assertNeverFresh();
        }
        // and the attacker's genuine records of its own slot do not verify in the victim's either
        slots.put(VICTIM, Slots.signed(ATTACKER, 100, ATTACKER_INC, Set.of(), ATTACKER_KEY));
        read();
        assertNeverFresh();
        quietFor(3100);
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.STALE);
    }

    @Test
    void replayingTwoOldGenuineRecordsNeverMakesADeadVictimFresh() {
        List<byte[]> genuine = victimLives(5, Set.of());
        slots.unregister(VICTIM);
        for (int i = 0; i < 12; i++) {
            slots.put(VICTIM, genuine.get(i % 2)); // records 1 and 2, over and over
            read();
            advance(500);
            assertNeverFresh();
        }
        assertThat(observer.current(VICTIM).detail()).contains("replayed or older record");
        // the newest genuine record put back is no advance either
        slots.put(VICTIM, genuine.get(4));
        read();
        assertNeverFresh();
        quietFor(3100);
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.STALE);
        assertThat(verdictOnPowerLoss().state()).isEqualTo(State.DEAD);
    }

    @Test
    void aGenuineRecordTheDetectorNeverReadCountsAsOneAdvanceAndOnlyOnce() {
        // The documented limit: a neighbour who copied the member's newest record before the
        // detector read it can put it back later; it is the member's own, signed and newer than
        // anything the detector has seen, so it advances the slot once. Never twice.
        victimLives(3, Set.of());
        byte[] unseen = Slots.signed(VICTIM, 4, VICTIM_INC, Set.of(), VICTIM_KEY); // written, copied, overwritten
        slots.unregister(VICTIM);
        quietFor(3100);
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.STALE);
        slots.put(VICTIM, unseen);
        read();
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.FRESH);
        lastGenuineNanos = nanos.get();
        lastGenuineSeq = 4;
        for (int i = 0; i < 8; i++) {
            slots.put(VICTIM, i % 2 == 0 ? Slots.unsigned(5 + i, VICTIM_INC, Set.of()) : unseen);
            read();
            advance(500);
            assertNeverFresh();
        }
        quietFor(3100);
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.STALE);
    }

    @Test
    void unsignedVersion1RecordsCannotDowngradeAMemberThatRegisteredAKey() {
        victimLives(3, Set.of());
        for (long seq = 4; seq < 12; seq++) {
            slots.put(VICTIM, Slots.unsigned(seq, VICTIM_INC, Set.of(StorageFlag.FENCED)));
            read();
            advance(500);
            assertNeverFresh();
        }
        assertThat(observer.current(VICTIM).detail()).contains("unsigned version 1 record");
    }

    @Test
    void aForgedFencedFlagNeverMakesAnIsolatedLiveVictimActionable() {
        victimLives(3, Set.of(StorageFlag.ISOLATED));
        KeyPair forger = StorageKeys.generate();
        long seq = 4;
        // The live victim keeps writing ISOLATED; the attacker overwrites each record with a forged FENCED one.
        for (int i = 0; i < 10; i++, seq++) {
            slots.write(VICTIM, seq, VICTIM_INC, Set.of(StorageFlag.ISOLATED), VICTIM_KEY);
            if (i % 3 != 0) {
                read(); // the detector sometimes catches the genuine record ...
            }
            slots.put(VICTIM, Slots.signed(VICTIM, seq + 1000, VICTIM_INC, Set.of(StorageFlag.ISOLATED,
                    StorageFlag.FENCED), forger));
            read(); // ... and always the forged one
            advance(700);
            assertNotActionable();
        }
        // The attacker wins every race from now on: the victim's records are never seen.
        for (int i = 0; i < 10; i++, seq++) {
            slots.write(VICTIM, seq, VICTIM_INC, Set.of(StorageFlag.ISOLATED), VICTIM_KEY);
            slots.put(VICTIM, Slots.signed(VICTIM, seq + 1000 + i, VICTIM_INC, Set.of(StorageFlag.FENCED), forger));
            read();
            advance(700);
            assertNotActionable();
        }
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
    }

    @Test
    void aForgedStoppingFlagNeverMakesADeadVictimStopped() {
        victimLives(3, Set.of());
        slots.put(VICTIM, Slots.signed(VICTIM, 4, VICTIM_INC, Set.of(StorageFlag.STOPPING), ATTACKER_KEY));
        read();
        quietFor(3100);
        assertThat(observer.current(VICTIM).flags()).doesNotContain(StorageFlag.STOPPING);
        assertThat(verdictOnPowerLoss().state()).isEqualTo(State.DEAD);
    }

    @Test
    void aSymlinkedSlotIsNeverFollowedAndNeverFresh() throws IOException {
        victimLives(3, Set.of());
        // The link points at a file the attacker keeps "advancing" with copies of genuine records.
        Path decoy = root.resolve("decoy.bin");
        Files.write(decoy, Slots.signed(VICTIM, 4, VICTIM_INC, Set.of(), VICTIM_KEY));
        Files.delete(slots.slot(VICTIM));
        Files.createSymbolicLink(slots.slot(VICTIM), decoy);
        for (int i = 0; i < 6; i++) {
            read();
            advance(1000);
            Evidence.Storage e = observer.current(VICTIM);
            assertThat(e.status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
            assertThat(e.detail()).contains("symbolic link");
        }
        assertThat(observer.current(VICTIM).seq()).isEqualTo(3);
    }

    @Test
    void aFifoSlotIsUnknownAndNeverHoldsAThread() {
        victimLives(2, Set.of());
        Path slot = slots.slot(VICTIM);
        try {
            Files.delete(slot);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Slots.mkfifo(slot);
        for (int i = 0; i < 20; i++) {
            read(); // returns: the FIFO is never opened
        }
        advance(2000);
        Evidence.Storage e = observer.current(VICTIM);
        assertThat(e.status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        assertThat(e.detail()).contains("FIFO").contains("not opened");
        ThreadPoolExecutor readers = (ThreadPoolExecutor) observer.readers();
        await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() == 0);
    }

    @Test
    void hungReadsOfOneSlotNeverStarveTheOthers() throws Exception {
        MemberId other = MemberId.of("compute", "bystander");
        KeyPair otherKey = StorageKeys.generate();
        UUID otherInc = UUID.randomUUID();
        slots.register(other, otherInc, otherKey);
        observer.track(other);
        slots.write(VICTIM, 1, VICTIM_INC, Set.of(), VICTIM_KEY);
        // Every open of the victim's slot finds a FIFO swapped in after the check: the read hangs.
        observer.beforeOpen = path -> {
            if (path.equals(slots.slot(VICTIM))) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Slots.mkfifo(path);
            }
        };
        observer.refresh(VICTIM);
        ThreadPoolExecutor readers = (ThreadPoolExecutor) observer.readers();
        await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() == 1);
        for (int seq = 1; seq <= 4; seq++) {
            for (int i = 0; i < 10; i++) {
                observer.refresh(VICTIM); // joins the hung read: never a second thread
            }
            slots.write(other, seq, otherInc, Set.of(), otherKey);
            observer.refresh(other).get(5, TimeUnit.SECONDS); // the pool (2 threads) still serves others
            await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() <= 1);
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(400));
        }
        assertThat(observer.current(other).status()).isEqualTo(SignalStatus.Storage.FRESH);
        assertThat(observer.current(VICTIM).status()).isEqualTo(SignalStatus.Storage.UNKNOWN);
        // hung ("has not returned"), or already released by the rescue and refused as a FIFO
        assertThat(observer.current(VICTIM).detail()).containsAnyOf("has not returned", "FIFO");
        observer.beforeOpen = path -> { };
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1500));
        observer.refresh(VICTIM); // past the read timeout: the swapped-in FIFO is released
        await().atMost(Duration.ofSeconds(5)).until(() -> readers.getActiveCount() == 0);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void read() {
        observer.refresh(VICTIM).join();
        Evidence.Storage e = observer.current(VICTIM);
        if (e != null) {
            seen.add(e);
        }
    }

    private void advance(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        Evidence.Storage e = observer.current(VICTIM);
        if (e != null) {
            seen.add(e);
        }
    }

    /** The slot stands still for {@code millis}, read every half second. */
    private void quietFor(long millis) {
        for (long t = 0; t < millis; t += 500) {
            advance(500);
            read();
        }
    }

    /**
     * FRESH only by the victim's own last record, for at most 3 s after the detector read it: no
     * attacker's write ever extends or renews it.
     */
    private void assertNeverFresh() {
        Evidence.Storage e = observer.current(VICTIM);
        if (e != null && e.status() == SignalStatus.Storage.FRESH) {
            assertThat(nanos.get() - lastGenuineNanos).as("FRESH %s after the victim's last genuine record", e)
                    .isLessThan(TimeUnit.SECONDS.toNanos(3));
            assertThat(e.seq()).isEqualTo(lastGenuineSeq);
            assertThat(e.millisSinceAdvance()).isEqualTo(TimeUnit.NANOSECONDS.toMillis(nanos.get() - lastGenuineNanos));
        }
    }

    /** Heartbeat lost, no answer to ping: the verdict must not let anyone recover the host. */
    private void assertNotActionable() {
        Verdict v = verdictOnPowerLoss();
        assertThat(v.actionable()).as("verdict %s (%s), storage %s", v.state(), v.reason(), v.evidence().storage())
                .isFalse();
        Evidence.Storage s = observer.current(VICTIM);
        if (s != null && s.flags() != null) {
            assertThat(s.flags()).doesNotContain(StorageFlag.FENCED);
        }
    }

    private Verdict verdictOnPowerLoss() {
        Evidence.Heartbeat hb = new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, NOW, "znode gone");
        Evidence.Ping ping = new Evidence.Ping(SignalStatus.Ping.FAIL, NOW, "icmp", null, "no echo reply");
        Observation o = new Observation(VICTIM, "192.0.2.10", VICTIM_INC.toString(), hb, false, ping,
                observer.current(VICTIM), false, NOW, 1, 3000);
        return VerdictClassifier.classify(o, null);
    }
}
