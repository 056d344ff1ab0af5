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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Maintenance(String group, String host, String reason, Instant since, Instant expiresAt,
                          String setBy) {
    /** Longest reason accepted. */
    public static final int MAX_REASON = 1024;

    public Maintenance(String group, String host, String reason, Instant since, Instant expiresAt) {
        this(group, host, reason, since, expiresAt, null);
    }

    public boolean inForce(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }
}
