package io.hostwatch.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.nova.NovaStatus;

/**
 * Body of {@code GET /v1/groups/{group}/members/{host}}: every field of the member's
 * {@link Verdict} at the top level, as before, plus {@code nova}, what hostwatch has asked of Nova
 * for the member (left out while the Nova integration is not enabled).
 *
 * @param verdict the member's verdict, unwrapped into this object
 * @param nova the Nova action state, or null when the integration is off
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberDetail(@JsonUnwrapped Verdict verdict, NovaStatus nova) {
}
