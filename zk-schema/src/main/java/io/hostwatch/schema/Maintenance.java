package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An operator's maintenance mark on a member, at {@link ZkPaths#maintenance(MemberId)}. While it
 * is in force the member's verdict is {@link State#MAINTENANCE}: detection keeps running and its
 * evidence is still shown, but nothing is actionable.
 *
 * @param group service group
 * @param host host name
 * @param reason why, as the operator said it
 * @param since when it was set
 * @param expiresAt when it ends by itself; null = until removed
 * @param setBy who set it: {@code user@project} (Keystone), {@code cert:SUBJECT} (mutual TLS) or
 *              {@code anonymous}; null in records written before it was recorded
 * @param setAt when it was set (or changed) last; null in older records
 * @param requestId the id of the request that set it ({@code req-UUID}); null in older records
 * @param ended the operator's call that ended it ({@code maintenance off}); null while it is not
 *              ended that way. An ended record also carries {@code expiresAt} = the end, so readers
 *              that only know {@code expiresAt} see it over too
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Maintenance(String group, String host, String reason, Instant since, Instant expiresAt,
                          String setBy, Instant setAt, String requestId, OperatorAction ended) {
    /** Longest reason accepted. */
    public static final int MAX_REASON = 1024;

    public Maintenance(String group, String host, String reason, Instant since, Instant expiresAt) {
        this(group, host, reason, since, expiresAt, null);
    }

    public Maintenance(String group, String host, String reason, Instant since, Instant expiresAt, String setBy) {
        this(group, host, reason, since, expiresAt, setBy, null, null, null);
    }

    /** This record, ended by an operator's call: {@code ended} set and {@code expiresAt} moved to its time. */
    public Maintenance endedBy(OperatorAction action) {
        return new Maintenance(group, host, reason, since, action.at(), setBy, setAt, requestId, action);
    }

    /** The call that set it, as an {@link OperatorAction} ({@link OperatorAction#MAINTENANCE_ON}). */
    public OperatorAction setAction() {
        return new OperatorAction(OperatorAction.MAINTENANCE_ON, setBy, requestId, setAt != null ? setAt : since);
    }

    public boolean inForce(Instant now) {
        return ended == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
