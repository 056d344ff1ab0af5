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
 * @param masakari the state of the Masakari step, {@code notification.state}; absent when Masakari
 *     is not used (kept for readers of the first version of this record)
 * @param requestedAt when the intent was recorded
 * @param lastAttemptAt when the last attempt ended
 * @param nextAttemptAt when the next attempt is due, while pending after a failure
 * @param completedAt when the action became DONE or FAILED
 * @param epoch leadership term of the detector that wrote this record (fencing token)
 * @param updatedAt when this record was written
 * @param notification the Masakari step, on its own: the notification of a force-down, or the
 *     clearing of Masakari's {@code on_maintenance} with a force-up; absent when Masakari is not used
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
        Instant updatedAt,
        MasakariStep notification) {

    /** The record without a Masakari step (Masakari not used, or a record of the first version). */
    public NovaAction(String group, String host, String novaHost, String incarnation, Kind kind, Status status,
                      State verdict, String reason, String serviceId, int attempts, String lastError,
                      Notification masakari, Instant requestedAt, Instant lastAttemptAt, Instant nextAttemptAt,
                      Instant completedAt, long epoch, Instant updatedAt) {
        this(group, host, novaHost, incarnation, kind, status, verdict, reason, serviceId, attempts, lastError,
                masakari, requestedAt, lastAttemptAt, nextAttemptAt, completedAt, epoch, updatedAt, null);
    }

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

    /** Where the Masakari step stands. */
    public enum Notification {
        /** Due, or waiting to be retried (Masakari answered 5xx, or did not answer in time). */
        PENDING,
        /** Masakari answered 202: its engine will process the notification. */
        ACCEPTED,
        /**
         * Masakari answered 409 "duplicate" to a retry of this very notification: an earlier
         * attempt, whose answer was lost, had been stored.
         */
        ALREADY_HANDLED,
        /** Masakari refused it for good (400 unknown host, 403 policy, ...); {@code reason} says why. */
        REJECTED,
        /**
         * Masakari answered 409 "ignored as the host is already under maintenance": it did
         * <em>nothing</em> for this failure (typically still on maintenance after an earlier one);
         * {@code reason} is Masakari's message.
         */
        IGNORED,
        /** Not sent: the Nova action failed, or the host was back before Masakari accepted it. */
        NOT_SENT,
        /** With a force-up: Masakari's {@code on_maintenance} of the host was set back to false. */
        CLEARED
    }

    /**
     * The Masakari step of an action, with its own attempts and back-off: a Masakari that fails
     * never holds up or repeats the Nova calls.
     *
     * @param state where it stands
     * @param reason Masakari's message for IGNORED and REJECTED, the last error while PENDING
     * @param attempts requests sent so far
     * @param notificationId the {@code notification_uuid} Masakari gave it (ACCEPTED)
     * @param generatedTime the {@code generated_time} of the last notification sent
     * @param maybeStored true once a request ended without a definite answer (time-out, 5xx):
     *     Masakari may have stored it, so a later "duplicate" answer means this one
     * @param lastAttemptAt when the last request ended
     * @param nextAttemptAt when the next request is due, while PENDING after a failure
     * @param completedAt when it left PENDING
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MasakariStep(Notification state, String reason, int attempts, String notificationId,
                               Instant generatedTime, boolean maybeStored, Instant lastAttemptAt,
                               Instant nextAttemptAt, Instant completedAt) {
        /** A step not attempted yet. */
        public static MasakariStep pending() {
            return new MasakariStep(Notification.PENDING, null, 0, null, null, false, null, null, null);
        }

        /** Final without a request: {@code state} for {@code reason}. */
        public static MasakariStep settled(Notification state, String reason, Instant at) {
            return new MasakariStep(state, reason, 0, null, null, false, null, null, at);
        }
    }

    /** This record with {@code step} as its Masakari step (and {@code masakari} following it). */
    public NovaAction withNotification(MasakariStep step) {
        return new NovaAction(group, host, novaHost, incarnation, kind, status, verdict, reason, serviceId, attempts,
                lastError, step == null ? null : step.state(), requestedAt, lastAttemptAt, nextAttemptAt, completedAt,
                epoch, updatedAt, step);
    }

    public MemberId id() {
        return new MemberId(group, host);
    }
}
