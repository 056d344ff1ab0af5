package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The mass-failure brake of one group, at {@link ZkPaths#brake(String)}. Engaged by the leader
 * when more than the threshold of a group is lost within the window; while engaged, no verdict
 * of the group is actionable. Only an operator releases it.
 *
 * @param group service group
 * @param engaged true while the brake holds
 * @param engagedAt when it engaged
 * @param lost members lost within the window when it engaged
 * @param members members of the group then
 * @param reason one sentence saying why
 * @param releasedAt when an operator released it; losses before this no longer count
 * @param releasedBy who released it ({@code user@project}, {@code cert:SUBJECT} or {@code anonymous})
 * @param seal a release's proof that the service's release path wrote it (an HMAC keyed from the
 *             service identity's private key, base64url); absent without ZooKeeper TLS
 * @param releaseRequestId the id of the request that released it ({@code req-UUID}); null in older records
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BrakeRecord(String group, boolean engaged, Instant engagedAt, int lost, int members, String reason,
                          Instant releasedAt, String releasedBy, String seal, String releaseRequestId) {
    public BrakeRecord(String group, boolean engaged, Instant engagedAt, int lost, int members, String reason,
                       Instant releasedAt, String releasedBy, String seal) {
        this(group, engaged, engagedAt, lost, members, reason, releasedAt, releasedBy, seal, null);
    }

    public BrakeRecord(String group, boolean engaged, Instant engagedAt, int lost, int members, String reason,
                       Instant releasedAt, String releasedBy) {
        this(group, engaged, engagedAt, lost, members, reason, releasedAt, releasedBy, null);
    }

    public BrakeRecord(String group, boolean engaged, Instant engagedAt, int lost, int members, String reason,
                       Instant releasedAt) {
        this(group, engaged, engagedAt, lost, members, reason, releasedAt, null, null);
    }

    /** The operator's release, as an {@link OperatorAction}; null when it was never released. */
    public OperatorAction releaseAction() {
        return releasedAt == null ? null
                : new OperatorAction(OperatorAction.BRAKE_RELEASE, releasedBy, releaseRequestId, releasedAt);
    }
}
