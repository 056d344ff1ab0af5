package io.hostwatch.service.core;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What out-of-band fencing makes of a classified verdict: a pure function, no ZooKeeper, clock or
 * I/O. It only ever changes a {@code DEAD} or an unfenced {@code ISOLATED} verdict of a member
 * whose group is fenced:
 *
 * <ul>
 *   <li>power confirmed off for the verdict's incarnation: {@code FENCED}, actionable (unless the
 *       brake or flap damping holds it), {@code safeToRecoverAt} the moment of the confirmation
 *       (no self-fence wait: the power is off). A BMC that said "off" before anything was sent
 *       makes a {@code DEAD} verdict certain. An {@code ISOLATED} host whose BMC said "off" before
 *       any action while its storage heartbeat is fresh is held: that BMC may not be this host's;</li>
 *   <li>otherwise not actionable, held {@code FENCING} (not yet confirmed) or {@code FENCING_FAILED}
 *       (the last attempt failed, with its reason), and without {@code safeToRecoverAt}.</li>
 * </ul>
 */
public final class FencingGate {
    private FencingGate() {
    }

    /** True for an {@code ISOLATED} verdict whose agent reported {@code FENCED} in its storage record. */
    public static boolean selfFenced(Verdict v) {
        Evidence.Storage s = v.evidence() == null ? null : v.evidence().storage();
        return v.state() == State.ISOLATED && s != null && s.flags() != null && s.flags().contains(StorageFlag.FENCED)
                && (s.incarnation() == null || v.incarnation() == null || s.incarnation().equals(v.incarnation()));
    }

    /** True when fencing has a say on this verdict: {@code DEAD}, or {@code ISOLATED} not self-fenced. */
    public static boolean wantsFencing(Verdict v) {
        return v != null && (v.state() == State.DEAD || v.state() == State.ISOLATED && !selfFenced(v));
    }

    /**
     * The verdict as fencing leaves it.
     *
     * @param v the classified verdict
     * @param configured the member's group is fenced
     * @param recorded the member's fencing record, if any (of any incarnation)
     * @param brake the group's mass-failure brake is engaged
     * @param flapping the member is in flap hold-down
     */
    public static Verdict apply(Verdict v, boolean configured, FencingAction recorded, boolean brake,
                                boolean flapping) {
        if (!configured || !wantsFencing(v)) {
            return v;
        }
        FencingAction r = recorded != null && Objects.equals(recorded.incarnation(), v.incarnation())
                ? recorded : null;
        // The classifier's holds (brake, flapping, settling), plus brake and flapping where it did not
        // add them (an ISOLATED verdict is not actionable by itself, so it carries none).
        List<String> holds = new ArrayList<>(v.holds() == null ? List.of() : v.holds());
        holds.removeAll(List.of(Verdict.HOLD_FENCING, Verdict.HOLD_FENCING_FAILED));
        if (brake && !holds.contains(Verdict.HOLD_BRAKE)) {
            holds.add(Verdict.HOLD_BRAKE);
        }
        if (flapping && !holds.contains(Verdict.HOLD_FLAPPING)) {
            holds.add(Verdict.HOLD_FLAPPING);
        }
        if (r != null && r.status() == FencingAction.Status.CONFIRMED) {
            if (v.state() == State.ISOLATED && r.alreadyOff()) {
                holds.add(Verdict.HOLD_FENCING_FAILED);
                return with(v, false, holds, v.reason() + "; its BMC reported the power off before any action while "
                        + "its storage heartbeat is fresh: that BMC may not be this host's; not actionable", null,
                        power(r, false, "power reported off while the host writes storage"));
            }
            String fenced = r.alreadyOff()
                    ? "; its BMC (" + r.method() + ") reports the power off: the host is down for certain (FENCED)"
                    : "; FENCED: powered off through its BMC (" + r.method() + ") and confirmed off";
            return with(v, holds.isEmpty(), holds, v.reason() + fenced, r.confirmedAt() != null ? r.confirmedAt()
                    : v.updatedAt(), power(r, true, null));
        }
        if (r != null && r.lastError() != null) {
            holds.add(Verdict.HOLD_FENCING_FAILED);
            return with(v, false, holds, v.reason() + "; fencing failed (attempt " + r.attempts() + "): "
                    + r.lastError() + "; not actionable until its BMC confirms the power off", null,
                    power(r, false, r.lastError()));
        }
        holds.add(Verdict.HOLD_FENCING);
        return with(v, false, holds, v.reason() + (r == null
                ? "; held until its BMC confirms the power off (out-of-band fencing)"
                : "; powering the host off through its BMC; held until it confirms the power off"), null,
                r == null ? null : power(r, false, "power-off in progress"));
    }

    private static Evidence.Power power(FencingAction r, boolean fenced, String detail) {
        return new Evidence.Power(r.power() == null ? SignalStatus.Power.UNKNOWN : r.power(),
                r.lastAttemptAt() != null ? r.lastAttemptAt() : r.requestedAt(), r.method(), r.answer(), r.action(),
                fenced, detail);
    }

    private static Verdict with(Verdict v, boolean actionable, List<String> holds, String reason,
                                java.time.Instant safeToRecoverAt, Evidence.Power power) {
        Evidence e = v.evidence() == null ? new Evidence(null, null, null) : v.evidence();
        return new Verdict(v.group(), v.host(), v.address(), v.state(), reason, v.since(), actionable,
                safeToRecoverAt, v.incarnation(), v.epoch(), power == null ? e : e.withPower(power), v.updatedAt(),
                holds.isEmpty() ? null : List.copyOf(holds), v.fenceAfterMillis());
    }
}
