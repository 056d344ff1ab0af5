package io.hostwatch.service.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus.Heartbeat;
import io.hostwatch.schema.SignalStatus.Ping;
import io.hostwatch.schema.SignalStatus.Storage;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Walks every row of the verdict table (SPEC §2). */
@Timeout(10)
class VerdictClassifierTest {
    private static final MemberId ID = MemberId.of("compute", "host1");
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final String INC = "123e4567-e89b-12d3-a456-426614174000";

    static Stream<Arguments> table() {
        return Stream.of(
                // H, P, S, storage flags, leaving, maintenance -> state, actionable
                Arguments.of(Heartbeat.OK, null, null, Set.of(), false, false, State.RUNNING, false),
                Arguments.of(Heartbeat.OK, Ping.FAIL, Storage.STALE, Set.of(), false, false, State.RUNNING, false),
                Arguments.of(Heartbeat.LOST, null, null, Set.of(), false, false, State.SUSPECT, false),
                Arguments.of(Heartbeat.LOST, Ping.OK, null, Set.of(), false, false, State.SUSPECT, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.STALE, Set.of(), false, false, State.DEAD, true),
                Arguments.of(Heartbeat.LOST, Ping.OK, Storage.STALE, Set.of(), false, false,
                        State.SERVICE_UNREACHABLE, false),
                Arguments.of(Heartbeat.LOST, Ping.OK, Storage.FRESH, Set.of(StorageFlag.SERVICE_DOWN), false, false,
                        State.SERVICE_UNREACHABLE, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.FRESH, Set.of(), false, false, State.ISOLATED, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.FRESH, Set.of(StorageFlag.ISOLATED), false, false,
                        State.ISOLATED, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.FRESH,
                        Set.of(StorageFlag.ISOLATED, StorageFlag.FENCED), false, false, State.ISOLATED, true),
                Arguments.of(Heartbeat.LOST, Ping.OK, Storage.FRESH, Set.of(), false, false, State.PARTITIONED, false),
                // UNKNOWN signals that leave the row undecided
                Arguments.of(Heartbeat.LOST, Ping.UNKNOWN, Storage.STALE, Set.of(), false, false, State.UNKNOWN, false),
                Arguments.of(Heartbeat.LOST, Ping.UNKNOWN, Storage.FRESH, Set.of(), false, false, State.UNKNOWN, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.UNKNOWN, Set.of(), false, false, State.UNKNOWN, false),
                Arguments.of(Heartbeat.LOST, Ping.OK, Storage.UNKNOWN, Set.of(), false, false, State.UNKNOWN, false),
                Arguments.of(Heartbeat.LOST, Ping.UNKNOWN, Storage.UNKNOWN, Set.of(), false, false, State.UNKNOWN,
                        false),
                // graceful stop, by znode mark or by storage record, whatever the probes say
                Arguments.of(Heartbeat.LOST, null, null, Set.of(), true, false, State.STOPPED, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.STALE, Set.of(StorageFlag.STOPPING), false, false,
                        State.STOPPED, false),
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.STALE, Set.of(), true, false, State.STOPPED, false),
                // maintenance: never actionable, whatever the evidence
                Arguments.of(Heartbeat.LOST, Ping.FAIL, Storage.STALE, Set.of(), false, true, State.MAINTENANCE,
                        false),
                Arguments.of(Heartbeat.OK, null, null, Set.of(), false, true, State.MAINTENANCE, false));
    }

    @ParameterizedTest(name = "H={0} P={1} S={2} flags={3} leaving={4} maintenance={5} -> {6}")
    @MethodSource("table")
    void everyRowOfTheVerdictTable(Heartbeat h, Ping p, Storage s, Set<StorageFlag> flags, boolean leaving,
                                   boolean maintenance, State expected, boolean actionable) {
        Verdict v = VerdictClassifier.classify(observation(h, p, s, flags, leaving, maintenance, INC), null);

        assertThat(v.state()).isEqualTo(expected);
        assertThat(v.actionable()).isEqualTo(actionable);
        assertThat(v.reason()).isNotBlank();
        assertThat(v.group()).isEqualTo("compute");
        assertThat(v.host()).isEqualTo("host1");
        assertThat(v.address()).isEqualTo("192.0.2.10");
        assertThat(v.epoch()).isEqualTo(7);
        assertThat(v.incarnation()).isEqualTo(INC);
        assertThat(v.since()).isEqualTo(NOW);
        assertThat(v.evidence().heartbeat().status()).isEqualTo(h);
        assertThat(v.safeToRecoverAt() != null).isEqualTo(actionable);
    }

    @Test
    void onlyDeadAndFencedIsolatedAreEverActionable() {
        for (Heartbeat h : Heartbeat.values()) {
            for (Ping p : Ping.values()) {
                for (Storage s : Storage.values()) {
                    for (Set<StorageFlag> flags : flagSets()) {
                        Verdict v = VerdictClassifier.classify(observation(h, p, s, flags, false, false, INC), null);
                        if (v.actionable()) {
                            assertThat(v.state()).isIn(State.DEAD, State.ISOLATED);
                            if (v.state() == State.ISOLATED) {
                                assertThat(flags).contains(StorageFlag.FENCED);
                            }
                        }
                        if (p == Ping.OK) {
                            assertThat(v.state()).as("a host that answers is never DEAD").isNotEqualTo(State.DEAD);
                        }
                        if (s == Storage.FRESH) {
                            assertThat(v.state()).as("a host writing storage is never DEAD")
                                    .isNotEqualTo(State.DEAD);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sinceIsKeptWhileTheStateHolds() {
        Instant earlier = NOW.minusSeconds(60);
        Verdict previous = VerdictClassifier.classify(
                observationAt(earlier, Heartbeat.LOST, Ping.FAIL, Storage.STALE), null);
        Verdict again = VerdictClassifier.classify(observation(Heartbeat.LOST, Ping.FAIL, Storage.STALE, Set.of(),
                false, false, INC), previous);
        Verdict changed = VerdictClassifier.classify(observation(Heartbeat.OK, null, null, Set.of(), false, false,
                INC), again);

        assertThat(again.since()).isEqualTo(earlier);
        assertThat(again.updatedAt()).isEqualTo(NOW);
        assertThat(changed.since()).isEqualTo(NOW);
    }

    @Test
    void stoppingFlagOfAnotherIncarnationDoesNotMakeTheMemberStopped() {
        Observation o = new Observation(ID, "192.0.2.10", INC, heartbeat(Heartbeat.LOST), false,
                ping(Ping.FAIL), new Evidence.Storage(Storage.STALE, NOW, 9L, Set.of(StorageFlag.STOPPING), 9000L,
                "00000000-0000-0000-0000-000000000001", "old record"), false, NOW, 7, 3000);

        assertThat(VerdictClassifier.classify(o, null).state()).isEqualTo(State.DEAD);
    }

    @Test
    void safeToRecoverAtFollowsTheLastStorageAdvance() {
        Observation recent = new Observation(ID, "192.0.2.10", INC, heartbeat(Heartbeat.LOST), false,
                ping(Ping.FAIL), new Evidence.Storage(Storage.STALE, NOW, 9L, Set.of(), 1000L, INC, "stale"), false,
                NOW, 7, 3000);
        Observation old = new Observation(ID, "192.0.2.10", INC, heartbeat(Heartbeat.LOST), false,
                ping(Ping.FAIL), new Evidence.Storage(Storage.STALE, NOW, 9L, Set.of(), 60_000L, INC, "stale"), false,
                NOW, 7, 3000);

        assertThat(VerdictClassifier.classify(recent, null).safeToRecoverAt()).isEqualTo(NOW.plusMillis(2000));
        assertThat(VerdictClassifier.classify(old, null).safeToRecoverAt()).isEqualTo(NOW);
    }

    private static Observation observationAt(Instant at, Heartbeat h, Ping p, Storage s) {
        return new Observation(ID, "192.0.2.10", INC, heartbeat(h), false, p == null ? null : ping(p),
                s == null ? null : new Evidence.Storage(s, at, 5L, Set.of(), 5000L, INC, "test"), false, at, 7, 3000);
    }

    private static Observation observation(Heartbeat h, Ping p, Storage s, Set<StorageFlag> flags, boolean leaving,
                                           boolean maintenance, String storageIncarnation) {
        Evidence.Storage storage = s == null ? null
                : new Evidence.Storage(s, NOW, 5L, flags, 5000L, storageIncarnation, "test");
        return new Observation(ID, "192.0.2.10", INC, heartbeat(h), leaving, p == null ? null : ping(p), storage,
                maintenance, NOW, 7, 3000);
    }

    private static Evidence.Heartbeat heartbeat(Heartbeat h) {
        return new Evidence.Heartbeat(h, NOW, "test");
    }

    private static Evidence.Ping ping(Ping p) {
        return new Evidence.Ping(p, NOW, "icmp", p == Ping.OK ? 150L : null, "test");
    }

    private static Set<Set<StorageFlag>> flagSets() {
        Set<Set<StorageFlag>> out = new java.util.HashSet<>();
        int n = StorageFlag.values().length;
        for (int mask = 0; mask < (1 << n); mask++) {
            Set<StorageFlag> s = EnumSet.noneOf(StorageFlag.class);
            for (StorageFlag f : StorageFlag.values()) {
                if ((mask & (1 << f.ordinal())) != 0) {
                    s.add(f);
                }
            }
            out.add(s);
        }
        return out;
    }
}
