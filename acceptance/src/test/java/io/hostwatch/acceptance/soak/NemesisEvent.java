package io.hostwatch.acceptance.soak;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One line of the nemesis log: what the nemesis did (or saw done), to whom, and when, on this
 * machine's wall clock (the same clock the detector stamps its verdicts with; member clocks may be
 * faked, the detector's and the nemesis' never are).
 *
 * @param at when it happened
 * @param phase what kind of line
 * @param fault the fault's number in the schedule (0 for lines about no fault)
 * @param kind the fault's kind (null for lines about no fault)
 * @param target a host name, a ZooKeeper server ({@code zk1}), a service ({@code service-a}), or the group
 * @param detail what exactly was done, for the reader
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NemesisEvent(Instant at, Phase phase, int fault, FaultKind kind, String target, String detail) {

    /** The kinds of lines. */
    public enum Phase {
        /** The soak starts: {@code detail} lists the member hosts, comma-separated; {@code target} is the group. */
        BEGIN,
        /** A fault begins (its first action is done). */
        START,
        /** A further action of a running fault (a flap, the second half of a double fault). */
        STEP,
        /** The fault is healed (its last undo action is done). */
        HEAL,
        /** A host's isolation response ran: from now until its network heals, the host is fenced. */
        FENCE,
        /**
         * An operator powered a host on again (with out-of-band fencing, after its BMC or a power loss
         * had powered it off): from its BMC's power-off until this line (and a new agent's start), it was off.
         */
        POWER_ON,
        /** An operator released the group's brake. */
        RELEASE,
        /** Every fault is healed; the settle phase starts. */
        SETTLE,
        /** The settle phase is over: the history is complete. */
        END
    }

    static NemesisEvent of(Instant at, Phase phase, String target, String detail) {
        return new NemesisEvent(at, phase, 0, null, target, detail);
    }

    @Override
    public String toString() {
        return at + " " + phase + (fault == 0 ? "" : " #" + fault + " " + kind) + " " + target
                + (detail == null ? "" : " (" + detail + ")");
    }
}
