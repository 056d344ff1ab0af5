package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What the detector leader has asked of Nova for one member, stored at {@link ZkPaths#nova(MemberId)}.
 * It is written <em>before</em> each call sequence (the intent, {@link Status#PENDING}) and again
 * <em>after</em> it (the outcome), so a new leader finishes what an old one started and never
 * repeats what is {@link Status#DONE}. The node holds the latest action only: a force-down, or
 * the force-up that undoes it.
 *
 * @param group service group
 * @param host hostwatch host name
 * @param novaHost the Nova service host the member maps to
 * @param incarnation the member incarnation the action is for
 * @param kind what is asked of Nova
 * @param status where the action stands
 * @param verdict the verdict state that asked for it
 * @param reason the {@code disabled_reason} sent with a force-down
 * @param serviceId the Nova service's UUID, once found
 * @param attempts call sequences tried so far
 * @param lastError why the last attempt did not finish, or why the action failed
 * @param masakari the Masakari notification's outcome; absent when Masakari is not used
 * @param requestedAt when the intent was recorded
 * @param lastAttemptAt when the last attempt ended
 * @param nextAttemptAt when the next attempt is due, while pending after a failure
 * @param completedAt when the action became DONE or FAILED
 * @param epoch leadership term of the detector that wrote this record (fencing token)
 * @param updatedAt when this record was written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NovaAction(
        String group,
        String host,
        String novaHost,
        String incarnation,
        Kind kind,
        Status status,
        State verdict,
        String reason,
        String serviceId,
        int attempts,
        String lastError,
        Notification masakari,
        Instant requestedAt,
        Instant lastAttemptAt,
        Instant nextAttemptAt,
        Instant completedAt,
        long epoch,
        Instant updatedAt) {

    /** What is asked of Nova. */
    public enum Kind {
        /** {@code forced_down: true} and {@code status: disabled}: the host is fenced or dead. */
        FORCE_DOWN,
        /** {@code forced_down: false} (and {@code status: enabled} when configured): the host is back. */
        FORCE_UP
    }

    /** Where an action stands. A member without a record has had no action ({@code NONE} in the API). */
    public enum Status {
        /** Recorded; the calls are due, in flight, or waiting to be retried. */
        PENDING,
        /** Nova accepted it. Never repeated for the same incarnation. */
        DONE,
        /** Refused for good (no or several Nova services, policy, configuration): Nova was not changed. */
        FAILED
    }

    /** Outcome of the optional Masakari {@code COMPUTE_HOST} notification. */
    public enum Notification {
        /** Not sent yet. */
        PENDING,
        /** Masakari answered 202. */
        ACCEPTED,
        /** Masakari answered 409: it already handles this host. */
        ALREADY_HANDLED,
        /** Masakari refused it for good (400, e.g. the host is not in a Masakari segment). */
        REJECTED
    }

    public MemberId id() {
        return new MemberId(group, host);
    }
}
