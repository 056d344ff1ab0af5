package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The detector's explained judgement of one member, stored at {@link ZkPaths#verdict(MemberId)}.
 *
 * @param group service group
 * @param host host name
 * @param address the member's management address, as last registered
 * @param state the verdict
 * @param reason one human sentence saying why
 * @param since when the member entered this state
 * @param actionable true only where recovery is safe
 * @param safeToRecoverAt earliest time recovery (evacuation) is safe, for DEAD or fenced ISOLATED
 * @param incarnation the member's start id the verdict is about
 * @param epoch leadership term of the detector that wrote it (fencing token)
 * @param evidence each signal's observation
 * @param updatedAt when this record was written
 * @param holds why a verdict that would be actionable is not: {@code BRAKE} (mass-failure brake
 *              engaged for the group), {@code FLAPPING} (member in hold-down), {@code SETTLING}
 *              (lost within the settle window), {@code FENCING} (out-of-band fencing configured and
 *              not yet confirmed), {@code FENCING_FAILED} (the BMC did not answer or did not confirm
 *              power off; retried); absent when none. Other holds may be added later (consumers
 *              must treat any hold as "not actionable")
 * @param fenceAfterMillis the member's declared self-fence deadline as last registered, kept so
 *                         that a leader that never saw the registration computes the same
 *                         {@code safeToRecoverAt}; absent when the member declared none
 * @param operatorAction the operator's call that brought the member into this state, holds and
 *                       actionability (maintenance on or off, brake release), carried while they
 *                       last and so kept in the history entry of that transition; absent when the
 *                       transition was the detector's own judgement
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(
        String group,
        String host,
        String address,
        State state,
        String reason,
        Instant since,
        boolean actionable,
        Instant safeToRecoverAt,
        String incarnation,
        long epoch,
        Evidence evidence,
        Instant updatedAt,
        java.util.List<String> holds,
        Long fenceAfterMillis,
        OperatorAction operatorAction) {

    /** Hold: the group's mass-failure brake is engaged. */
    public static final String HOLD_BRAKE = "BRAKE";
    /** Hold: the member flaps and is in hold-down. */
    public static final String HOLD_FLAPPING = "FLAPPING";
    /** Hold: out-of-band fencing is configured for the member and its BMC has not yet confirmed power off. */
    public static final String HOLD_FENCING = "FENCING";
    /** Hold: the last attempt to power the host off through its BMC failed (no answer, no confirmation). */
    public static final String HOLD_FENCING_FAILED = "FENCING_FAILED";
    /**
     * Hold: the member was lost moments ago, within the settle window in which its group's
     * mass-failure brake could still engage; it lifts by itself when the window has passed.
     */
    public static final String HOLD_SETTLING = "SETTLING";

    public Verdict(String group, String host, String address, State state, String reason, Instant since,
                   boolean actionable, Instant safeToRecoverAt, String incarnation, long epoch, Evidence evidence,
                   Instant updatedAt, java.util.List<String> holds, Long fenceAfterMillis) {
        this(group, host, address, state, reason, since, actionable, safeToRecoverAt, incarnation, epoch, evidence,
                updatedAt, holds, fenceAfterMillis, null);
    }

    public Verdict(String group, String host, String address, State state, String reason, Instant since,
                   boolean actionable, Instant safeToRecoverAt, String incarnation, long epoch, Evidence evidence,
                   Instant updatedAt, java.util.List<String> holds) {
        this(group, host, address, state, reason, since, actionable, safeToRecoverAt, incarnation, epoch, evidence,
                updatedAt, holds, null);
    }

    public Verdict(String group, String host, String address, State state, String reason, Instant since,
                   boolean actionable, Instant safeToRecoverAt, String incarnation, long epoch, Evidence evidence,
                   Instant updatedAt) {
        this(group, host, address, state, reason, since, actionable, safeToRecoverAt, incarnation, epoch, evidence,
                updatedAt, null);
    }

    /** This verdict with {@code operatorAction} set (null clears it). */
    public Verdict withOperatorAction(OperatorAction action) {
        return new Verdict(group, host, address, state, reason, since, actionable, safeToRecoverAt, incarnation, epoch,
                evidence, updatedAt, holds, fenceAfterMillis, action);
    }

    public MemberId id() {
        return new MemberId(group, host);
    }
}
