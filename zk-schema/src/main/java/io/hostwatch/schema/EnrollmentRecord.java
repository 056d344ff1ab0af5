package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The data of an enrollment node, {@link ZkPaths#member(MemberId)}: who enrolled the host. A node
 * without data is an enrollment made before this record existed, or the node an unprotected agent
 * creates for itself.
 *
 * @param group service group
 * @param host host name
 * @param setBy who enrolled it, last: {@code user@project}, {@code cert:SUBJECT} or {@code anonymous}
 * @param setAt when
 * @param requestId the enrolling request's id ({@code req-UUID})
 * @param decommissioned the last decommissioning of the member (its verdict and history removed,
 *                       {@code DELETE /v1/groups/{group}/members/{host}}) while it stayed enrolled;
 *                       null when none since the enrollment
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrollmentRecord(String group, String host, String setBy, Instant setAt, String requestId,
                               OperatorAction decommissioned) {
    public EnrollmentRecord withDecommissioned(OperatorAction action) {
        return new EnrollmentRecord(group, host, setBy, setAt, requestId, action);
    }
}
