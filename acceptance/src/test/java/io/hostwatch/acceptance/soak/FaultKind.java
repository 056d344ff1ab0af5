package io.hostwatch.acceptance.soak;

import io.hostwatch.schema.State;

/**
 * Every fault the nemesis draws, with what it does to the ground truth the checker reasons about
 * and the verdict SPEC §2 expects for it when it happens alone.
 */
public enum FaultKind {
    /** Bridge port down and the agent killed with SIGKILL; healed by the port up and a new agent. */
    POWER_LOSS(Scope.HOST, State.DEAD),
    /** Bridge port down on a host without an isolation response. */
    ISOLATION(Scope.HOST, State.ISOLATED),
    /** Bridge port down on a host whose agent runs an isolation response (it fences itself). */
    ISOLATION_FENCED(Scope.HOST, State.ISOLATED),
    /** nftables drops the host's traffic to every ZooKeeper server, nothing else. */
    ZK_PARTITION(Scope.HOST, State.PARTITIONED),
    /** The agent killed with SIGKILL; healed by a new agent. */
    AGENT_CRASH(Scope.HOST, State.SERVICE_UNREACHABLE),
    /** The agent stopped with SIGSTOP; healed by SIGCONT. */
    AGENT_FREEZE(Scope.HOST, State.SERVICE_UNREACHABLE),
    /** The bridge port goes down and up again and again. No single verdict is expected; never DEAD. */
    FLAPPING_LINK(Scope.HOST, null),
    /** The host's wall clock jumps (libfaketime): wall clocks are never judged, it stays RUNNING. */
    CLOCK_JUMP(Scope.HOST, State.RUNNING),
    /** The host can no longer write its storage slot; its network is fine: it stays RUNNING. */
    STORAGE_HUNG(Scope.HOST, State.RUNNING),
    /**
     * The double fault no probe can tell from a power loss: the host is isolated, then its agent
     * dies or hangs while it is. Without out-of-band fencing it is listed in a class of its own.
     */
    ISOLATED_THEN_AGENT_DOWN(Scope.HOST, null),
    /** One ZooKeeper server killed, restarted later. */
    ZK_SERVER_RESTART(Scope.CLUSTER, null),
    /** Two of the three ZooKeeper servers killed: no quorum until they return. */
    QUORUM_LOSS(Scope.CLUSTER, null),
    /** The leading service instance stopped with SIGSTOP for longer than its session timeout. */
    LEADER_PAUSE(Scope.CLUSTER, null);

    /** Whether a fault hits one member host or the coordination layer all members share. */
    public enum Scope { HOST, CLUSTER }

    private final Scope scope;
    private final State expected;

    FaultKind(Scope scope, State expected) {
        this.scope = scope;
        this.expected = expected;
    }

    public Scope scope() {
        return scope;
    }

    /** The verdict SPEC §2 names for this fault alone, or null where no single verdict is expected. */
    public State expected() {
        return expected;
    }

    /** The host is powered off for the fault's duration. */
    boolean powersOff() {
        return this == POWER_LOSS;
    }

    /** The host's network is cut (for part or all of the fault). */
    boolean cutsNetwork() {
        return this == ISOLATION || this == ISOLATION_FENCED || this == FLAPPING_LINK || this == ISOLATED_THEN_AGENT_DOWN;
    }

    /** The host's storage heartbeat stops advancing while it stays powered on. */
    boolean stopsStorageWrites() {
        return this == AGENT_CRASH || this == AGENT_FREEZE || this == STORAGE_HUNG;
    }
}
