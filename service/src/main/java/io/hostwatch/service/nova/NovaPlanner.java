package io.hostwatch.service.nova;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.Objects;

/**
 * What a member's verdict and its recorded {@link NovaAction} call for: a pure function, no
 * ZooKeeper, clock or I/O.
 *
 * <ul>
 *   <li>An actionable {@code DEAD}, or an actionable {@code ISOLATED} whose storage evidence says
 *       {@code FENCED}, calls for a force-down once {@code safeToRecoverAt} has passed, once per
 *       member incarnation: a force-down already DONE or FAILED for that incarnation is never
 *       repeated, a PENDING one is resumed.</li>
 *   <li>{@code RUNNING} after a force-down that may have reached Nova (DONE or PENDING) calls for
 *       a force-up; a PENDING force-up is resumed.</li>
 *   <li>Anything else ({@code SUSPECT}, {@code SERVICE_UNREACHABLE}, {@code PARTITIONED},
 *       {@code UNKNOWN}, {@code STOPPED}, {@code MAINTENANCE}, any verdict that is not actionable)
 *       calls for nothing, and holds a pending action where it is.</li>
 * </ul>
 */
public final class NovaPlanner {
    /** The decision. */
    public sealed interface Plan permits Nothing, WaitUntil, Start, Attempt, Notify {
    }

    /** Nothing to do now. */
    public record Nothing(String why) implements Plan {
    }

    /** Look again at {@code at} (safeToRecoverAt, or the next retry). */
    public record WaitUntil(Instant at, String why) implements Plan {
    }

    /** Record this new intent in ZooKeeper, then attempt it. */
    public record Start(NovaAction intent) implements Plan {
    }

    /** Attempt this pending, already recorded action now. */
    public record Attempt(NovaAction pending) implements Plan {
    }

    /** Nova accepted this action; run its pending Masakari step now (the Nova calls are not repeated). */
    public record Notify(NovaAction done) implements Plan {
    }

    private final HostNameMapping mapping;
    private final boolean masakari;
    private final boolean clearMaintenance;

    public NovaPlanner(HostNameMapping mapping, boolean masakari) {
        this(mapping, masakari, false);
    }

    /**
     * {@code clearMaintenance}: a force-up also sets Masakari's {@code on_maintenance} of the host
     * back to false, when Masakari took the force-down's notification.
     */
    public NovaPlanner(HostNameMapping mapping, boolean masakari, boolean clearMaintenance) {
        this.mapping = mapping;
        this.masakari = masakari;
        this.clearMaintenance = masakari && clearMaintenance;
    }

    /**
     * True for a verdict that allows forcing the host down: actionable DEAD, or actionable and FENCED
     * ISOLATED (by its agent, or by its BMC). Where out-of-band fencing is configured, the detector
     * publishes such a verdict actionable only once the BMC has confirmed the power off, so Nova
     * (and Masakari) are called only after fencing is confirmed.
     */
    public static boolean fenced(Verdict v) {
        if (v == null || !v.actionable()) {
            return false;
        }
        if (v.state() == State.DEAD) {
            return true;
        }
        if (v.state() != State.ISOLATED) {
            return false;
        }
        Evidence.Storage s = v.evidence() == null ? null : v.evidence().storage();
        Evidence.Power p = v.evidence() == null ? null : v.evidence().power();
        return s != null && s.flags() != null && s.flags().contains(StorageFlag.FENCED)
                || p != null && p.fenced(); // powered off through its BMC (out-of-band fencing)
    }

    public Plan plan(Verdict v, NovaAction recorded, Instant now, long epoch) {
        recorded = NovaActionRunner.upgraded(recorded);
        if (v == null) {
            return new Nothing("no verdict");
        }
        if (recorded != null && (recorded.status() == NovaAction.Status.PENDING
                || NovaActionRunner.masakariDue(recorded))) {
            // Recomputed from the configuration on every attempt: a record naming another Nova host
            // (written by anyone but this service, or before a mapping change) is never acted on.
            String expected = mapping.novaHost(v.host());
            if (!Objects.equals(recorded.novaHost(), expected) || !Objects.equals(recorded.host(), v.host())
                    || !Objects.equals(recorded.group(), v.group())) {
                return new Nothing("refused: the recorded action names Nova host '" + recorded.novaHost()
                        + "' for " + recorded.group() + "/" + recorded.host() + ", the configuration maps "
                        + v.group() + "/" + v.host() + " to '" + expected + "'");
            }
        }
        if (fenced(v)) {
            if (recorded != null && recorded.kind() == NovaAction.Kind.FORCE_DOWN
                    && Objects.equals(recorded.incarnation(), v.incarnation())) {
                if (NovaActionRunner.masakariDue(recorded)) {
                    return masakariDue(recorded, now);
                }
                if (recorded.status() != NovaAction.Status.PENDING) {
                    return new Nothing("force-down already " + recorded.status() + " for this incarnation");
                }
                return due(recorded, v.safeToRecoverAt(), now);
            }
            if (v.safeToRecoverAt() != null && now.isBefore(v.safeToRecoverAt())) {
                return new WaitUntil(v.safeToRecoverAt(), "not safe to recover before safeToRecoverAt");
            }
            return new Start(forceDown(v, now, epoch));
        }
        if (v.state() == State.RUNNING && recorded != null) {
            if (recorded.kind() == NovaAction.Kind.FORCE_DOWN) {
                if (recorded.status() == NovaAction.Status.FAILED) {
                    return new Nothing("the force-down failed, so Nova was not changed");
                }
                return new Start(forceUp(v, recorded, now, epoch));
            }
            if (recorded.status() == NovaAction.Status.PENDING) {
                return due(recorded, null, now);
            }
            if (NovaActionRunner.masakariDue(recorded)) {
                return masakariDue(recorded, now);
            }
            return new Nothing("force-up already " + recorded.status());
        }
        return new Nothing("verdict " + v.state() + (v.actionable() ? "" : " (not actionable)")
                + " calls for no Nova action");
    }

    private static Plan due(NovaAction pending, Instant safeToRecoverAt, Instant now) {
        if (safeToRecoverAt != null && now.isBefore(safeToRecoverAt)) {
            return new WaitUntil(safeToRecoverAt, "not safe to recover before safeToRecoverAt");
        }
        if (pending.nextAttemptAt() != null && now.isBefore(pending.nextAttemptAt())) {
            return new WaitUntil(pending.nextAttemptAt(), "retry back-off");
        }
        return new Attempt(pending);
    }

    private static Plan masakariDue(NovaAction done, Instant now) {
        Instant next = done.notification().nextAttemptAt();
        if (next != null && now.isBefore(next)) {
            return new WaitUntil(next, "Masakari retry back-off");
        }
        return new Notify(done);
    }

    private NovaAction forceDown(Verdict v, Instant now, long epoch) {
        return new NovaAction(v.group(), v.host(), mapping.novaHost(v.host()), v.incarnation(),
                NovaAction.Kind.FORCE_DOWN, NovaAction.Status.PENDING, v.state(), reason(v), null, 0, null,
                null, now, null, null, null, epoch, now)
                .withNotification(masakari ? NovaAction.MasakariStep.pending() : null);
    }

    /**
     * The force-up undoing {@code down}. Its Masakari step, when configured, clears Masakari's
     * {@code on_maintenance}, and only when Masakari took the force-down's notification (it was
     * Masakari's engine that set it); a host Masakari ignored was on maintenance for another reason.
     */
    private NovaAction forceUp(Verdict v, NovaAction down, Instant now, long epoch) {
        NovaAction.Notification told = down.notification() == null ? null : down.notification().state();
        boolean clear = clearMaintenance && (told == NovaAction.Notification.ACCEPTED
                || told == NovaAction.Notification.ALREADY_HANDLED);
        return new NovaAction(v.group(), v.host(), mapping.novaHost(v.host()), v.incarnation(),
                NovaAction.Kind.FORCE_UP, NovaAction.Status.PENDING, v.state(), null, down.serviceId(), 0, null,
                null, now, null, null, null, epoch, now)
                .withNotification(clear ? NovaAction.MasakariStep.pending() : null);
    }

    /** The {@code disabled_reason}: what hostwatch saw, short enough for Nova's 255-character column. */
    static String reason(Verdict v) {
        String inc = v.incarnation() == null ? "?" : v.incarnation().length() > 8 ? v.incarnation().substring(0, 8)
                : v.incarnation();
        String r = "hostwatch: " + v.state() + (v.state() == State.ISOLATED ? " and FENCED" : "")
                + (v.since() == null ? "" : " since " + v.since()) + " (member " + v.group() + "/" + v.host()
                + ", incarnation " + inc + ", epoch " + v.epoch() + ")";
        return r.length() <= NovaClient.MAX_REASON ? r : r.substring(0, NovaClient.MAX_REASON);
    }
}
