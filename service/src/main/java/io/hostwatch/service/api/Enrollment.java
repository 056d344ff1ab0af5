package io.hostwatch.service.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostwatch.schema.EnrollmentRecord;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.OperatorAction;
import java.time.Instant;

/**
 * Body of {@code PUT /v1/groups/{group}/members/{host}/enrollment}'s answer.
 *
 * @param group the service group
 * @param host the host
 * @param identity the ZooKeeper identity (certificate subject) allowed to hold the host's
 *        heartbeat; omitted without TLS, where there are no identities
 * @param created true when this call enrolled the host, false when it was enrolled already
 * @param setBy who enrolled it last ({@code user@project}, {@code cert:SUBJECT}, {@code anonymous});
 *        omitted for an enrollment made before it was recorded
 * @param setAt when
 * @param requestId the enrolling request's id
 * @param decommissioned the last decommissioning since (who, which request, when); omitted when none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Enrollment(String group, String host, String identity, boolean created, String setBy, Instant setAt,
                         String requestId, OperatorAction decommissioned) {
    public Enrollment(String group, String host, String identity, boolean created) {
        this(group, host, identity, created, null, null, null, null);
    }

    /** The answer for {@code id}, with what its enrollment record says ({@code record} may be null). */
    public static Enrollment of(MemberId id, String identity, boolean created, EnrollmentRecord record) {
        return record == null ? new Enrollment(id.group(), id.host(), identity, created)
                : new Enrollment(id.group(), id.host(), identity, created, record.setBy(), record.setAt(),
                        record.requestId(), record.decommissioned());
    }
}
