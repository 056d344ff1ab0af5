package io.hostwatch.schema;

/** The results each signal of SPEC §1 can have. */
public final class SignalStatus {
    private SignalStatus() {
    }

    /** Network heartbeat: the member's ephemeral znode. */
    public enum Heartbeat { OK, LOST }

    /** Ping of the member's management address. */
    public enum Ping { OK, FAIL, UNKNOWN }

    /** Storage heartbeat: the member's slot counter, judged on the detector's monotonic clock. */
    public enum Storage { FRESH, STALE, UNKNOWN }

    /** Host power as its BMC reports it (out-of-band fencing); UNKNOWN when the BMC did not answer. */
    public enum Power { ON, OFF, UNKNOWN }
}
