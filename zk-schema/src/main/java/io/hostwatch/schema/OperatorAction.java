package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One operator's call through the REST API, as the records it changes keep it: what was done, by
 * whom, in which request, when. Stored inside {@link Verdict} (the call that caused a transition),
 * {@link Maintenance} (the call that ended it) and {@link EnrollmentRecord} (a decommissioning).
 *
 * @param action what the call did: {@link #MAINTENANCE_ON}, {@link #MAINTENANCE_OFF},
 *               {@link #BRAKE_RELEASE}, {@link #DECOMMISSION}; more may be added
 * @param by the authenticated caller: {@code user@project} (Keystone token), {@code cert:SUBJECT}
 *           (client certificate) or {@code anonymous} ({@code auth.type: none}); null when unknown
 * @param requestId the request's id ({@code req-UUID}, sent back in {@code X-OpenStack-Request-Id}
 *                  and logged with the call); null when unknown
 * @param at when the service took the call
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorAction(String action, String by, String requestId, Instant at) {
    public static final String MAINTENANCE_ON = "MAINTENANCE_ON";
    public static final String MAINTENANCE_OFF = "MAINTENANCE_OFF";
    public static final String BRAKE_RELEASE = "BRAKE_RELEASE";
    public static final String DECOMMISSION = "DECOMMISSION";
}
