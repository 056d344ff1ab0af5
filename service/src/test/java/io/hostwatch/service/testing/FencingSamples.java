package io.hostwatch.service.testing;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Verdicts and fencing records as the detector and the fencer write them, for the fencing tests. */
public final class FencingSamples {
    private FencingSamples() {
    }

    public static final Instant T = Instant.parse("2026-11-30T03:00:00Z");
    public static final String INC = "inc-1";

    public static Verdict verdict(State state, boolean actionable, List<String> holds, StorageFlag... flags) {
        Evidence e = new Evidence(new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, T, null),
                new Evidence.Ping(SignalStatus.Ping.FAIL, T, "tcp:22", null, null),
                new Evidence.Storage(state == State.ISOLATED ? SignalStatus.Storage.FRESH : SignalStatus.Storage.STALE,
                        T, 7L, Set.of(flags), 5000L, INC, null));
        return new Verdict("compute", "node1", "192.0.2.1", state, "classified " + state, T, actionable,
                actionable ? T.plusSeconds(30) : null, INC, 4, e, T, holds);
    }

    public static FencingAction record(FencingAction.Status status, boolean alreadyOff, String error, String incarnation) {
        return new FencingAction("compute", "node1", incarnation, "ipmi-lanplus", "10.0.0.1:623", status, State.DEAD,
                status == FencingAction.Status.CONFIRMED ? SignalStatus.Power.OFF : SignalStatus.Power.UNKNOWN,
                status == FencingAction.Status.CONFIRMED ? "Chassis Power is off" : null,
                alreadyOff ? "NONE" : "FORCE_OFF", alreadyOff ? 0 : 1, alreadyOff, 1, error, T, T.plusSeconds(2), null,
                status == FencingAction.Status.CONFIRMED ? T.plusSeconds(2) : null, 4, T.plusSeconds(2));
    }
}
