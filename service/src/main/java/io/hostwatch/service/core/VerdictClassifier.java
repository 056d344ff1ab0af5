package io.hostwatch.service.core;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdict table of SPEC §2 as a pure function: {@link Observation} (and the previous
 * verdict, for {@code since}) in, {@link Verdict} out.
 *
 * <p>Only {@code DEAD}, and {@code ISOLATED} whose storage record says {@code FENCED}, are
 * actionable. Any {@code UNKNOWN} signal that leaves the row undecided gives {@code UNKNOWN}.
 */
public final class VerdictClassifier {
    private VerdictClassifier() {
    }

    public static Verdict classify(Observation o, Verdict previous) {
        Judgement j = judge(o);
        Instant since = previous != null && previous.state() == j.state && sameIncarnation(previous, o)
                && previous.since() != null ? previous.since() : o.now();
        List<String> holds = new ArrayList<>(3);
        if (j.actionable && o.brake()) {
            holds.add(Verdict.HOLD_BRAKE);
        }
        if (j.actionable && o.flapping()) {
            holds.add(Verdict.HOLD_FLAPPING);
        }
        if (j.actionable && o.settling()) {
            holds.add(Verdict.HOLD_SETTLING);
        }
        boolean actionable = j.actionable && holds.isEmpty();
        List<String> why = new ArrayList<>(3);
        if (j.actionable && o.brake()) {
            why.add("the group's mass-failure brake is engaged");
        }
        if (j.actionable && o.flapping()) {
            why.add("the member flaps (" + o.flaps() + " losses) and is in hold-down");
        }
        if (j.actionable && o.settling()) {
            why.add("the loss is within the settle window in which the group's brake could still engage");
        }
        String reason = holds.isEmpty() ? j.reason : j.reason + "; held non-actionable: " + String.join(", ", why);
        Instant safeToRecoverAt = j.actionable ? safeToRecoverAt(o, j.state) : null;
        if (safeToRecoverAt != null && previous != null && previous.state() == j.state
                && previous.safeToRecoverAt() != null && sameIncarnation(previous, o)
                && previous.safeToRecoverAt().isAfter(safeToRecoverAt)) {
            safeToRecoverAt = previous.safeToRecoverAt(); // never moves earlier for the same failure
        }
        return new Verdict(o.id().group(), o.id().host(), o.address(), j.state, reason, since, actionable,
                safeToRecoverAt, o.incarnation(), o.epoch(), new Evidence(o.heartbeat(), o.ping(), o.storage(),
                o.flaps() > 0 ? o.flaps() : null), o.now(), holds.isEmpty() ? null : List.copyOf(holds),
                o.fenceAfterMillis());
    }

    private static boolean sameIncarnation(Verdict previous, Observation o) {
        return previous.incarnation() == null ? o.incarnation() == null
                : previous.incarnation().equals(o.incarnation());
    }

    /**
     * When recovery becomes safe. A fenced ISOLATED member has already stopped its workloads: now.
     * A DEAD member: the last storage advance the detector saw, plus the longer of the stale window
     * and the member's declared self-fence deadline — by then a member that was in fact alive but
     * cut off has run its isolation response.
     */
    private static Instant safeToRecoverAt(Observation o, State state) {
        Long sinceAdvance = o.storage() == null ? null : o.storage().millisSinceAdvance();
        if (state != State.DEAD || sinceAdvance == null) {
            return o.now();
        }
        long wait = Math.max(o.staleAfterMillis(), o.fenceAfterMillis() == null ? 0 : o.fenceAfterMillis());
        Instant safe = o.now().minusMillis(sinceAdvance).plusMillis(wait);
        return safe.isAfter(o.now()) ? safe : o.now();
    }

    private record Judgement(State state, boolean actionable, String reason) {
    }

    private static Judgement judge(Observation o) {
        if (o.maintenance()) {
            return new Judgement(State.MAINTENANCE, false, "member is in maintenance; detection continues, "
                    + "no verdict is actionable");
        }
        if (o.heartbeat().status() == SignalStatus.Heartbeat.OK) {
            if (o.storage() != null && o.storage().status() != SignalStatus.Storage.FRESH) {
                // The reason names the status only: the evidence carries the figures, so a verdict is not
                // rewritten on every recheck just because a millisecond count moved.
                return new Judgement(State.RUNNING, false, "heartbeat present; storage heartbeat "
                        + o.storage().status() + " (see evidence)");
            }
            return new Judgement(State.RUNNING, false, "heartbeat present");
        }
        if (o.leaving() || o.storageHas(StorageFlag.STOPPING)) {
            return new Judgement(State.STOPPED, false, "member stopped gracefully ("
                    + (o.leaving() ? "its registration was marked leaving" : "its storage record says STOPPING")
                    + "); never evacuate");
        }
        if (o.ping() == null || o.storage() == null) {
            return new Judgement(State.SUSPECT, false, "heartbeat lost; probing the host and its storage heartbeat");
        }
        SignalStatus.Ping ping = o.ping().status();
        SignalStatus.Storage storage = o.storage().status();
        boolean serviceDown = o.storageHas(StorageFlag.SERVICE_DOWN);
        boolean fenced = o.storageHas(StorageFlag.FENCED);
        if (ping == SignalStatus.Ping.OK && storage == SignalStatus.Storage.STALE) {
            return new Judgement(State.SERVICE_UNREACHABLE, false, "heartbeat lost and storage heartbeat stale, "
                    + "but the host answers " + method(o) + ": the service process crashed or hung; restart it, "
                    + "do not evacuate");
        }
        if (ping == SignalStatus.Ping.OK && storage == SignalStatus.Storage.FRESH && serviceDown) {
            return new Judgement(State.SERVICE_UNREACHABLE, false, "the agent is alive and writing storage but "
                    + "reports its supervised service down; restart the service, do not evacuate");
        }
        if (ping == SignalStatus.Ping.OK && storage == SignalStatus.Storage.FRESH) {
            return new Judgement(State.PARTITIONED, false, "host answers " + method(o) + " and writes its storage "
                    + "heartbeat, but its ZooKeeper session is gone: the coordination path is cut; no action");
        }
        if (ping == SignalStatus.Ping.FAIL && storage == SignalStatus.Storage.STALE) {
            return new Judgement(State.DEAD, true, "no heartbeat, no answer to " + method(o)
                    + " and storage heartbeat stale: the host is down; evacuate once safeToRecoverAt has passed");
        }
        if (ping == SignalStatus.Ping.FAIL && storage == SignalStatus.Storage.FRESH) {
            if (fenced) {
                return new Judgement(State.ISOLATED, true, "host is cut off from the network but alive on storage, "
                        + "and it reports FENCED (its isolation response ran): recovery is safe");
            }
            return new Judgement(State.ISOLATED, false, "host does not answer " + method(o) + " but keeps writing "
                    + "its storage heartbeat: it is alive and cut off from the network; do NOT evacuate");
        }
        return new Judgement(State.UNKNOWN, false, "cannot tell: ping " + ping + ", storage " + storage
                + (ping == SignalStatus.Ping.UNKNOWN ? " (the detector's own network is unhealthy)" : "")
                + (storage == SignalStatus.Storage.UNKNOWN
                        ? " (the storage slot cannot be read or trusted: see its evidence)" : "")
                + "; never actionable");
    }

    private static String method(Observation o) {
        String m = o.ping().method();
        return m == null ? "ping" : m;
    }
}
