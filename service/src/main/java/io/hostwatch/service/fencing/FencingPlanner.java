package io.hostwatch.service.fencing;

import io.hostwatch.service.core.FencingGate;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What a member's verdict and its recorded {@link FencingAction} call for: a pure function.
 *
 * <ul>
 *   <li>A {@code DEAD} or unfenced {@code ISOLATED} verdict of a known incarnation, with no hold
 *       but fencing's own, no brake engaged and no maintenance, calls for fencing once it has
 *       settled ({@code since + settle}): once per incarnation. A {@code CONFIRMED} record for the
 *       incarnation is never attempted again; a {@code PENDING} one is resumed when its retry is due.</li>
 *   <li>Anything else calls for nothing and leaves a pending record where it is: a brake engaged
 *       after the intent was recorded stops the next attempt.</li>
 * </ul>
 */
public final class FencingPlanner {
    private static final Set<String> OWN_HOLDS = Set.of(Verdict.HOLD_FENCING, Verdict.HOLD_FENCING_FAILED);

    /** The decision. */
    public sealed interface Plan permits Nothing, WaitUntil, Start, Attempt {
    }

    public record Nothing(String why) implements Plan {
    }

    public record WaitUntil(Instant at, String why) implements Plan {
    }

    /** Record this intent, then attempt it. */
    public record Start(FencingAction intent) implements Plan {
    }

    /** Attempt this pending, already recorded fencing now. */
    public record Attempt(FencingAction pending) implements Plan {
    }

    private final Duration settle;

    public FencingPlanner(Duration settle) {
        this.settle = settle;
    }

    public Plan plan(Verdict v, FencingAction recorded, boolean brakeEngaged, boolean maintenance, String method,
                     String bmc, Instant now, long epoch) {
        if (v == null || !FencingGate.wantsFencing(v)) {
            return new Nothing("verdict " + (v == null ? "absent" : v.state()) + " calls for no fencing");
        }
        if (v.incarnation() == null) {
            return new Nothing("member incarnation unknown: fencing is recorded once per incarnation");
        }
        FencingAction r = recorded != null && Objects.equals(recorded.incarnation(), v.incarnation())
                ? recorded : null;
        if (r != null && r.status() == FencingAction.Status.CONFIRMED) {
            return new Nothing("power already confirmed off for this incarnation");
        }
        if (brakeEngaged) {
            return new Nothing("the group's mass-failure brake is engaged: no fencing");
        }
        if (maintenance) {
            return new Nothing("member in maintenance: no fencing");
        }
        if (v.holds() != null && !OWN_HOLDS.containsAll(v.holds())) {
            return new Nothing("verdict held " + v.holds() + ": no fencing");
        }
        if (r != null) {
            if (r.nextAttemptAt() != null && now.isBefore(r.nextAttemptAt())) {
                return new WaitUntil(r.nextAttemptAt(), "retry back-off");
            }
            return new Attempt(r);
        }
        Instant settled = v.since() == null ? now : v.since().plus(settle);
        if (now.isBefore(settled)) {
            return new WaitUntil(settled, "settling: the brake could still engage");
        }
        return new Start(new FencingAction(v.group(), v.host(), v.incarnation(), method, bmc,
                FencingAction.Status.PENDING, v.state(), SignalStatus.Power.UNKNOWN, null, "NONE", 0, false, 0, null,
                now, null, null, null, epoch, now));
    }
}
