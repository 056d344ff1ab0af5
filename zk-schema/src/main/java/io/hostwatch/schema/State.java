package io.hostwatch.schema;

/** The verdict states of SPEC §2. Only {@link #DEAD} and a fenced {@link #ISOLATED} may be actionable. */
public enum State {
    /** Heartbeat present. */
    RUNNING,
    /** Heartbeat lost, probes in flight. */
    SUSPECT,
    /** No heartbeat, no ping, storage stale: hardware failure or abnormal shutdown. */
    DEAD,
    /** Host answers ping but its agent or supervised service does not. */
    SERVICE_UNREACHABLE,
    /** Host alive (storage fresh) but its network does not answer. */
    ISOLATED,
    /** Host answers ping and writes storage, only its coordination path is cut. */
    PARTITIONED,
    /** The detector cannot tell; never actionable. */
    UNKNOWN,
    /** Graceful stop. */
    STOPPED,
    /** Operator maintenance. */
    MAINTENANCE
}
