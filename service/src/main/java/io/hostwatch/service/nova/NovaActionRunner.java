package io.hostwatch.service.nova;

import io.hostwatch.schema.NovaAction;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs one attempt of a recorded action against Nova (and Masakari) and says how it ended, as the
 * record to write next. Blocking: it runs on the notifier's call pool, never on the detector's or
 * the notifier's own thread.
 *
 * <p>Every attempt looks the service up again and re-sends the whole update: Nova answers the same
 * values with 200, so an attempt that is repeated (because a leader died before recording its
 * outcome) changes nothing. A Masakari notification already answered is not sent again.
 */
final class NovaActionRunner {
    private final NovaApi nova;
    private final MasakariApi masakari;
    private final boolean reenable;
    private final Backoff backoff;
    private final Clock clock;

    /** {@code masakari} is null when Masakari is not used. */
    NovaActionRunner(NovaApi nova, MasakariApi masakari, boolean reenable, Backoff backoff, Clock clock) {
        this.nova = nova;
        this.masakari = masakari;
        this.reenable = reenable;
        this.backoff = backoff;
        this.clock = clock;
    }

    NovaAction attempt(NovaAction a) {
        int attempts = a.attempts() + 1;
        String serviceId = a.serviceId();
        NovaAction.Notification notified = masakari == null ? null : a.masakari();
        try {
            serviceId = findService(a.novaHost()).id();
            if (a.kind() == NovaAction.Kind.FORCE_DOWN) {
                nova.forceDown(serviceId, a.reason());
                String masakariError = null;
                if (notified == NovaAction.Notification.PENDING) {
                    try {
                        notified = masakari.hostStopped(a.novaHost(), a.requestedAt());
                    } catch (OpenStackException e) {
                        if (e.retryable()) {
                            return retry(a, attempts, serviceId, notified, "forced down in Nova; Masakari: "
                                    + e.getMessage());
                        }
                        notified = NovaAction.Notification.REJECTED;
                        masakariError = "Masakari: " + e.getMessage();
                    }
                }
                return done(a, attempts, serviceId, notified, masakariError);
            }
            nova.forceUp(serviceId);
            if (reenable) {
                nova.enable(serviceId);
            }
            return done(a, attempts, serviceId, null, null);
        } catch (OpenStackException e) {
            return e.retryable() ? retry(a, attempts, serviceId, notified, e.getMessage())
                    : failed(a, attempts, serviceId, notified, e.getMessage());
        } catch (RuntimeException e) {
            return retry(a, attempts, serviceId, notified, "unexpected: " + e);
        }
    }

    /** The outcome when the attempt itself could not run (the pool rejected it, ...): retry later. */
    NovaAction unexpected(NovaAction a, Throwable error) {
        return retry(a, a.attempts() + 1, a.serviceId(), a.masakari(), "unexpected: " + error);
    }

    /** Exactly one nova-compute service with a UUID id, or a failure that says what Nova listed. */
    private ComputeService findService(String novaHost) {
        List<ComputeService> found = nova.computeServices(novaHost);
        if (found.isEmpty()) {
            throw OpenStackException.finalFailure(0, "Nova lists no nova-compute service on host '" + novaHost
                    + "': no action (map hostwatch names to Nova hosts with nova.hostSuffix or nova.hostMap)");
        }
        if (found.size() > 1) {
            throw OpenStackException.finalFailure(0, "Nova lists " + found.size() + " nova-compute services on host '"
                    + novaHost + "' (ids " + found.stream().map(ComputeService::id).collect(Collectors.joining(", "))
                    + "): no action, hostwatch will not guess which one");
        }
        ComputeService only = found.get(0);
        if (!only.hasUuid()) {
            throw OpenStackException.transientFailure(0, "Nova lists the nova-compute service of '" + novaHost
                    + "' without a UUID id (its cell is down, or Nova is older than microversion 2.53)");
        }
        return only;
    }

    private NovaAction done(NovaAction a, int attempts, String serviceId, NovaAction.Notification notified,
                            String error) {
        Instant now = clock.instant();
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), NovaAction.Status.DONE,
                a.verdict(), a.reason(), serviceId, attempts, error, notified, a.requestedAt(), now, null, now,
                a.epoch(), now);
    }

    private NovaAction failed(NovaAction a, int attempts, String serviceId, NovaAction.Notification notified,
                              String error) {
        Instant now = clock.instant();
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), NovaAction.Status.FAILED,
                a.verdict(), a.reason(), serviceId, attempts, error, notified, a.requestedAt(), now, null, now,
                a.epoch(), now);
    }

    private NovaAction retry(NovaAction a, int attempts, String serviceId, NovaAction.Notification notified,
                             String error) {
        Instant now = clock.instant();
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(),
                NovaAction.Status.PENDING, a.verdict(), a.reason(), serviceId, attempts, error, notified,
                a.requestedAt(), now, now.plus(backoff.delay(attempts)), null, a.epoch(), now);
    }

    /** {@code a} as written by the leader of {@code epoch} at {@code now}. */
    static NovaAction stamped(NovaAction a, long epoch, Instant now) {
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), a.status(), a.verdict(),
                a.reason(), a.serviceId(), a.attempts(), a.lastError(), a.masakari(), a.requestedAt(),
                a.lastAttemptAt(), a.nextAttemptAt(), a.completedAt(), epoch, now);
    }
}
