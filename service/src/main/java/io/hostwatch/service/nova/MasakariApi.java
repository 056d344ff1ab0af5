package io.hostwatch.service.nova;

import java.time.Instant;

/** The part of Masakari's instance-HA API hostwatch uses. */
public interface MasakariApi {
    /**
     * Masakari's answer to a request: its HTTP status and message, and for an accepted
     * notification its {@code notification_uuid}.
     */
    record Answer(int status, String message, String notificationId) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** 409 "… is ignored as the host is already under maintenance.": Masakari did nothing. */
        public boolean underMaintenance() {
            return status == 409 && message != null && message.contains("maintenance");
        }

        /** 409 "… is duplicate.": a notification with the same payload was generated within its window. */
        public boolean duplicate() {
            return status == 409 && message != null && message.contains("duplicate");
        }
    }

    /**
     * {@code POST /notifications}: a {@code COMPUTE_HOST} {@code STOPPED} event for a host that is
     * fenced or dead, generated at {@code generatedTime}. Returns every answer Masakari gave (2xx
     * and 4xx alike); throws a retryable {@link OpenStackException} for no answer, a time-out or a
     * 5xx, a final one when Keystone refuses hostwatch.
     */
    Answer hostStopped(String hostname, Instant generatedTime);

    /**
     * Sets Masakari's {@code on_maintenance} of the segment host named {@code hostname} back to
     * false (Masakari's engine sets it when it handles a failure and never clears it). Returns 200
     * when it is false now (also when it already was), 404 when no segment has the host.
     */
    Answer clearMaintenance(String hostname);
}
