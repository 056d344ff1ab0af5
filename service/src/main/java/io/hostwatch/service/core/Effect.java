package io.hostwatch.service.core;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;

/**
 * What the {@link GroupStateMachine} asks the detector loop to do. The loop executes effects and
 * feeds their outcome back as events; it never decides anything itself.
 */
public sealed interface Effect {
    /** Marks a time that is not known (a loss this leader did not see happen). */
    long UNKNOWN = Long.MIN_VALUE;

    /**
     * Write {@code verdict} under its epoch, in order after every earlier publish of the member.
     *
     * @param previous the member's verdict before this one (what it replaces), null for its first
     * @param lostAtMillis when this leader saw the member's heartbeat go, on the monotonic clock in
     *                     milliseconds, or {@link #UNKNOWN}
     */
    record Publish(Verdict verdict, Verdict previous, long lostAtMillis) implements Effect {
    }

    /**
     * Ping the member's address and judge its storage slot, then report both as evidence.
     *
     * @param address management address, null when none is known (the ping is then UNKNOWN)
     * @param freshAfterMillis storage counts as FRESH only on an advance after this moment (the
     *                         heartbeat loss), or {@link #UNKNOWN} for any advance within the window
     * @param knownPing a recent ping result already in hand (from pre-probing): do not ping again,
     *                  report this one; null to ping
     * @param pingOnly a pre-probe of a member whose heartbeat is present but whose storage counter
     *                 stopped: ping only, report storage as null
     */
    record Probe(MemberId id, String address, long freshAfterMillis, Evidence.Ping knownPing, boolean pingOnly)
            implements Effect {
        public Probe(MemberId id, String address, long freshAfterMillis) {
            this(id, address, freshAfterMillis, null, false);
        }
    }

    /** Write the group's brake record under the leader's epoch. */
    record WriteBrake(BrakeRecord record) implements Effect {
    }

    /** Call the machine's {@code wake()} at (or soon after) this monotonic time in milliseconds. */
    record WakeAt(long atMillis) implements Effect {
    }
}
