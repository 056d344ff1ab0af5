package io.hostwatch.service.nova;

import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.NovaAction.MasakariStep;
import io.hostwatch.schema.NovaAction.Notification;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs one attempt of a recorded action and says how it ended, as the record to write next.
 * Blocking: it runs on the notifier's call pool, never on the detector's or the notifier's own
 * thread.
 *
 * <p>Two steps, each with its own state and back-off: the Nova calls ({@link #attempt}) and the
 * Masakari step ({@link #masakariStep}: the notification of a force-down, or clearing Masakari's
 * {@code on_maintenance} with a force-up). Once Nova has accepted an action, a failing Masakari is
 * retried on its own and the Nova calls are never repeated for it.
 *
 * <p>Every Nova attempt looks the service up again and re-sends the whole update: Nova answers the
 * same values with 200, so an attempt that is repeated (because a leader died before recording its
 * outcome) changes nothing.
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

    /** The Nova calls of {@code a} (PENDING), then its Masakari step at once when Nova accepted them. */
    NovaAction attempt(NovaAction a) {
        int attempts = a.attempts() + 1;
        String serviceId = a.serviceId();
        try {
            serviceId = findService(a.novaHost()).id();
            if (a.kind() == NovaAction.Kind.FORCE_DOWN) {
                nova.forceDown(serviceId, a.reason());
            } else {
                if (reenable) {
                    // Enabled while still forced down: Nova only calls the compute (synchronously, up to
                    // its rpc_response_timeout) when it enables a service it considers up.
                    nova.enable(serviceId);
                }
                nova.forceUp(serviceId);
            }
        } catch (OpenStackException e) {
            return e.retryable() ? retry(a, attempts, serviceId, e.getMessage())
                    : failed(a, attempts, serviceId, e.getMessage());
        } catch (RuntimeException e) {
            return retry(a, attempts, serviceId, "unexpected: " + e);
        }
        NovaAction done = done(a, attempts, serviceId);
        return masakariDue(done) ? masakariStep(done) : done;
    }

    /** A record of the first version (a {@code masakari} state, no step) with its Masakari step. */
    static NovaAction upgraded(NovaAction a) {
        if (a == null || a.notification() != null || a.masakari() == null) {
            return a;
        }
        return a.withNotification(a.masakari() == Notification.PENDING ? MasakariStep.pending()
                : MasakariStep.settled(a.masakari(), null, a.completedAt()));
    }

    /** True when {@code a}'s Nova calls are done and its Masakari step still has to run. */
    static boolean masakariDue(NovaAction a) {
        return a.status() == NovaAction.Status.DONE && a.notification() != null
                && a.notification().state() == Notification.PENDING;
    }

    /** The Masakari step of {@code a} (Nova DONE, step PENDING); the Nova fields stay as they are. */
    NovaAction masakariStep(NovaAction a) {
        MasakariStep step = a.notification();
        if (masakari == null) {
            return a.withNotification(MasakariStep.settled(Notification.NOT_SENT, "Masakari is not configured",
                    clock.instant()));
        }
        int attempts = step.attempts() + 1;
        Instant generated = clock.instant();
        boolean clearing = a.kind() == NovaAction.Kind.FORCE_UP;
        try {
            MasakariApi.Answer answer = clearing ? masakari.clearMaintenance(a.novaHost())
                    : masakari.hostStopped(a.novaHost(), generated);
            return a.withNotification(clearing ? cleared(step, attempts, answer)
                    : notified(step, attempts, generated, answer));
        } catch (OpenStackException e) {
            if (e.retryable()) {
                return a.withNotification(masakariRetry(step, attempts, clearing ? step.generatedTime() : generated,
                        !clearing, e.getMessage()));
            }
            return a.withNotification(masakariFinal(step, attempts, Notification.REJECTED, e.getMessage(), null));
        } catch (RuntimeException e) {
            return a.withNotification(masakariRetry(step, attempts, step.generatedTime(), step.maybeStored(),
                    "unexpected: " + e));
        }
    }

    /** How Masakari's answer to a {@code COMPUTE_HOST STOPPED} notification ends the step. */
    private MasakariStep notified(MasakariStep step, int attempts, Instant generated, MasakariApi.Answer answer) {
        String said = "Masakari answered " + answer.status() + ": " + answer.message();
        if (answer.ok()) {
            return withGenerated(masakariFinal(step, attempts, Notification.ACCEPTED, null, answer.notificationId()),
                    generated);
        }
        if (answer.underMaintenance()) {
            return withGenerated(masakariFinal(step, attempts, Notification.IGNORED, said, null), generated);
        }
        if (answer.duplicate()) {
            if (step.maybeStored()) {
                return withGenerated(masakariFinal(step, attempts, Notification.ALREADY_HANDLED, said
                        + " (an earlier attempt of this notification had been stored)", null), generated);
            }
            // The earlier notification belongs to an earlier failure of the host: this failure is a new
            // one. A later generated_time takes it out of Masakari's duplicate window.
            return masakariRetry(step, attempts, generated, false, said + " (the notification of an earlier failure"
                    + " is inside Masakari's duplicate window; sending again later)");
        }
        return withGenerated(masakariFinal(step, attempts, Notification.REJECTED, said, null), generated);
    }

    private MasakariStep cleared(MasakariStep step, int attempts, MasakariApi.Answer answer) {
        if (answer.ok()) {
            return masakariFinal(step, attempts, Notification.CLEARED, answer.message(), null);
        }
        return masakariFinal(step, attempts, Notification.REJECTED, "Masakari answered " + answer.status()
                + " to clearing on_maintenance: " + answer.message(), null);
    }

    private MasakariStep masakariFinal(MasakariStep s, int attempts, Notification state, String reason, String id) {
        Instant now = clock.instant();
        return new MasakariStep(state, reason, attempts, id, s.generatedTime(), s.maybeStored(), now, null, now);
    }

    private MasakariStep masakariRetry(MasakariStep s, int attempts, Instant generated, boolean maybeStored,
                                       String reason) {
        Instant now = clock.instant();
        return new MasakariStep(Notification.PENDING, reason, attempts, null, generated,
                s.maybeStored() || maybeStored, now, now.plus(backoff.delay(attempts)), null);
    }

    private static MasakariStep withGenerated(MasakariStep s, Instant generated) {
        return new MasakariStep(s.state(), s.reason(), s.attempts(), s.notificationId(), generated, s.maybeStored(),
                s.lastAttemptAt(), s.nextAttemptAt(), s.completedAt());
    }

    /** The outcome when the attempt itself could not run (the pool rejected it, ...): retry later. */
    NovaAction unexpected(NovaAction a, Throwable error) {
        if (a.status() == NovaAction.Status.DONE && masakariDue(a)) {
            MasakariStep s = a.notification();
            return a.withNotification(masakariRetry(s, s.attempts() + 1, s.generatedTime(), s.maybeStored(),
                    "unexpected: " + error));
        }
        return retry(a, a.attempts() + 1, a.serviceId(), "unexpected: " + error);
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

    private NovaAction done(NovaAction a, int attempts, String serviceId) {
        Instant now = clock.instant();
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), NovaAction.Status.DONE,
                a.verdict(), a.reason(), serviceId, attempts, null, a.masakari(), a.requestedAt(), now, null, now,
                a.epoch(), now, a.notification());
    }

    private NovaAction failed(NovaAction a, int attempts, String serviceId, String error) {
        Instant now = clock.instant();
        MasakariStep step = a.notification() == null ? null
                : MasakariStep.settled(Notification.NOT_SENT, "not sent: the " + (a.kind() == NovaAction.Kind.FORCE_DOWN
                ? "force-down" : "force-up") + " failed", now);
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), NovaAction.Status.FAILED,
                a.verdict(), a.reason(), serviceId, attempts, error, null, a.requestedAt(), now, null, now,
                a.epoch(), now, null).withNotification(step);
    }

    private NovaAction retry(NovaAction a, int attempts, String serviceId, String error) {
        Instant now = clock.instant();
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(),
                NovaAction.Status.PENDING, a.verdict(), a.reason(), serviceId, attempts, error, a.masakari(),
                a.requestedAt(), now, now.plus(backoff.delay(attempts)), null, a.epoch(), now, a.notification());
    }

    /** {@code a} as written by the leader of {@code epoch} at {@code now}. */
    static NovaAction stamped(NovaAction a, long epoch, Instant now) {
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), a.status(), a.verdict(),
                a.reason(), a.serviceId(), a.attempts(), a.lastError(), a.masakari(), a.requestedAt(),
                a.lastAttemptAt(), a.nextAttemptAt(), a.completedAt(), epoch, now, a.notification());
    }
}
