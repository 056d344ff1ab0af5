package io.hostwatch.service.nova;

import java.time.Duration;

/**
 * How the notifier paces itself.
 *
 * @param leadershipCheck how often it asks whether this instance leads (and with which epoch)
 * @param reconcileInterval how often every member is checked again
 * @param maxConcurrentCalls call sequences in flight at once
 * @param backoff delays between failed attempts
 */
public record NovaSettings(Duration leadershipCheck, Duration reconcileInterval, int maxConcurrentCalls,
                           Backoff backoff) {
}
