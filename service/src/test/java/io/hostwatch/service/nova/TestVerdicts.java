package io.hostwatch.service.nova;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/** Verdicts as the detector publishes them, for driving the notifier. */
final class TestVerdicts {
    static final String GROUP = "compute";

    private TestVerdicts() {
    }

    static Verdict verdict(String host, State state, boolean actionable, Instant safeToRecoverAt, String incarnation,
                           long epoch, StorageFlag... flags) {
        Instant now = Instant.now();
        boolean lost = state != State.RUNNING;
        Set<StorageFlag> set = flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags);
        Evidence evidence = new Evidence(
                new Evidence.Heartbeat(lost ? SignalStatus.Heartbeat.LOST : SignalStatus.Heartbeat.OK, now, null),
                lost ? new Evidence.Ping(SignalStatus.Ping.FAIL, now, "tcp:22", null, "no answer") : null,
                new Evidence.Storage(state == State.ISOLATED ? SignalStatus.Storage.FRESH
                        : lost ? SignalStatus.Storage.STALE : SignalStatus.Storage.FRESH, now, 42L, set, 100L,
                        incarnation, null));
        return new Verdict(GROUP, host, "192.0.2.10", state, "test verdict " + state, now, actionable,
                safeToRecoverAt, incarnation, epoch, evidence, now);
    }

    static Verdict dead(String host, String incarnation, Instant safeToRecoverAt, long epoch) {
        return verdict(host, State.DEAD, true, safeToRecoverAt, incarnation, epoch);
    }

    static Verdict running(String host, String incarnation, long epoch) {
        return verdict(host, State.RUNNING, false, null, incarnation, epoch);
    }
}
