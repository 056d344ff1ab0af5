package io.hostwatch.schema;

import java.util.Optional;

/**
 * The znode layout of hostwatch. {@code docs/zk-schema.md} describes every path; a test checks
 * that the document and this class agree.
 *
 * <pre>
 * /hostwatch
 *   /members/{group}/{host}      PERSISTENT  (none)              enrollment, created by an operator (service)
 *   /members/{group}/{host}/heartbeat  EPHEMERAL  MemberRegistration  written by the member agent
 *   /verdicts/{group}/{host}     PERSISTENT  Verdict             written by the leader, epoch-guarded
 *   /detector/leader             (recipe)    LeaderLatch         written by Curator
 *   /detector/epoch              PERSISTENT  EpochRecord         bumped by each new leader; its version is the epoch
 *   /maintenance/{group}/{host}  PERSISTENT  Maintenance         written by any service instance (operator call)
 *   /brakes/{group}              PERSISTENT  BrakeRecord         engaged by the leader, released by an operator
 *   /nova/{group}/{host}         PERSISTENT  NovaAction          written by the leader, epoch-guarded (Nova integration)
 *   /history/{group}/{host}/t-N  PERSISTENT_SEQUENTIAL  Verdict  one per transition, in the verdict's multi-op
 *   /fencing/{group}/{host}      PERSISTENT  FencingAction       written by the leader, epoch-guarded (BMC power fencing)
 * </pre>
 */
public final class ZkPaths {
    public static final String ROOT = "/hostwatch";
    public static final String MEMBERS = ROOT + "/members";
    public static final String VERDICTS = ROOT + "/verdicts";
    public static final String DETECTOR = ROOT + "/detector";
    public static final String LEADER = DETECTOR + "/leader";
    public static final String EPOCH = DETECTOR + "/epoch";
    public static final String MAINTENANCE = ROOT + "/maintenance";
    public static final String BRAKES = ROOT + "/brakes";
    public static final String NOVA = ROOT + "/nova";
    public static final String HISTORY = ROOT + "/history";
    public static final String FENCING = ROOT + "/fencing";

    /** Name of the heartbeat node under a member's enrollment node. */
    private static final String HEARTBEAT = "heartbeat";

    /** Largest znode payload hostwatch writes or accepts (ZooKeeper's own limit is 1 MiB). */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    private ZkPaths() {
    }

    public static String memberGroup(String group) {
        return MEMBERS + "/" + Names.group(group);
    }

    public static String member(MemberId id) {
        return MEMBERS + "/" + id.group() + "/" + id.host();
    }

    /** The member's heartbeat: EPHEMERAL child of its enrollment node {@link #member(MemberId)}. */
    public static String heartbeat(MemberId id) {
        return member(id) + "/" + HEARTBEAT;
    }

    /** The member whose heartbeat {@code path} is ({@code /hostwatch/members/{group}/{host}/heartbeat}), if it is one. */
    public static Optional<MemberId> parseHeartbeat(String path) {
        String suffix = "/" + HEARTBEAT;
        if (path == null || !path.endsWith(suffix)) {
            return Optional.empty();
        }
        return parse(MEMBERS, path.substring(0, path.length() - suffix.length()));
    }

    public static String verdictGroup(String group) {
        return VERDICTS + "/" + Names.group(group);
    }

    public static String verdict(MemberId id) {
        return VERDICTS + "/" + id.group() + "/" + id.host();
    }

    public static String maintenance(MemberId id) {
        return MAINTENANCE + "/" + id.group() + "/" + id.host();
    }

    public static String brake(String group) {
        return BRAKES + "/" + Names.group(group);
    }

    public static String novaGroup(String group) {
        return NOVA + "/" + Names.group(group);
    }

    /** The member's Nova action record: intent and outcome of what the leader asked of Nova. */
    public static String nova(MemberId id) {
        return NOVA + "/" + id.group() + "/" + id.host();
    }

    public static String fencingGroup(String group) {
        return FENCING + "/" + Names.group(group);
    }

    /** The member's fencing record: intent and outcome of powering its host off through its BMC. */
    public static String fencing(MemberId id) {
        return FENCING + "/" + id.group() + "/" + id.host();
    }

    public static String historyGroup(String group) {
        return HISTORY + "/" + Names.group(group);
    }

    /** The member's history: one PERSISTENT_SEQUENTIAL child per verdict transition, oldest first. */
    public static String history(MemberId id) {
        return HISTORY + "/" + id.group() + "/" + id.host();
    }

    /**
     * The prefix of the member's history entries, {@code .../{host}/t-}, to which ZooKeeper appends
     * the 10-digit sequence number of a PERSISTENT_SEQUENTIAL create.
     */
    public static String historyEntryPrefix(MemberId id) {
        return history(id) + "/t-";
    }

    /** The member a path under {@code base} names ({@code base/group/host}), if it names one. */
    public static Optional<MemberId> parse(String base, String path) {
        if (path == null || !path.startsWith(base + "/")) {
            return Optional.empty();
        }
        String[] parts = path.substring(base.length() + 1).split("/", -1);
        if (parts.length != 2 || !Names.isValid(parts[0]) || !Names.isValid(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new MemberId(parts[0], parts[1]));
    }
}
