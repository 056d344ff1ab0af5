package io.hostwatch.service.nova;

import io.hostwatch.schema.NovaAction;
import java.time.Instant;

/** The part of Masakari's instance-HA API hostwatch uses. */
public interface MasakariApi {
    /**
     * {@code POST /notifications}: a {@code COMPUTE_HOST} {@code STOPPED} event for a host that is
     * fenced or dead. Returns {@code ACCEPTED} (202), {@code ALREADY_HANDLED} (409: a duplicate, or
     * the host is already under maintenance) or {@code REJECTED} (400, e.g. the host is in no
     * failover segment): all final. Throws a retryable {@link OpenStackException} otherwise.
     */
    NovaAction.Notification hostStopped(String hostname, Instant generatedTime);
}
