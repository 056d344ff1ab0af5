package io.hostwatch.service.fencing;

import io.hostwatch.service.core.FencingGate;
import static io.hostwatch.service.testing.FencingSamples.T;
import static io.hostwatch.service.testing.FencingSamples.INC;
import static io.hostwatch.service.testing.FencingSamples.record;
import static io.hostwatch.service.testing.FencingSamples.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FencingPlanner}: when the leader powers a host off. */
@Timeout(10)
class FencingPlannerTest {
    final FencingPlanner planner = new FencingPlanner(Duration.ofSeconds(5));
    final Verdict held = FencingGate.apply(verdict(State.DEAD, true, null), true, null, false, false);

    private FencingPlanner.Plan plan(Verdict v, FencingAction r, boolean brake, boolean maintenance,
                                     Duration after) {
        return planner.plan(v, r, brake, maintenance, "ipmi-lanplus", "10.0.0.1:623", T.plus(after), 9);
    }

    @Test
    void startsOnceTheVerdictHasSettled() {
        assertThat(plan(held, null, false, false, Duration.ofSeconds(1)))
                .isEqualTo(new FencingPlanner.WaitUntil(T.plusSeconds(5), "settling: the brake could still engage"));
        FencingPlanner.Plan p = plan(held, null, false, false, Duration.ofSeconds(5));
        assertThat(p).isInstanceOf(FencingPlanner.Start.class);
        FencingAction intent = ((FencingPlanner.Start) p).intent();
        assertThat(intent.status()).isEqualTo(FencingAction.Status.PENDING);
        assertThat(intent.incarnation()).isEqualTo(INC);
        assertThat(intent.verdict()).isEqualTo(State.DEAD);
        assertThat(intent.epoch()).isEqualTo(9);
        assertThat(intent.powerOffSent()).isZero();
        assertThat(intent.attempts()).isZero();
    }

    @Test
    void theBrakeMaintenanceAndOtherHoldsStopIt() {
        assertThat(plan(held, null, true, false, Duration.ofMinutes(1))).isInstanceOf(FencingPlanner.Nothing.class);
        assertThat(plan(held, null, false, true, Duration.ofMinutes(1))).isInstanceOf(FencingPlanner.Nothing.class);
        Verdict flapping = FencingGate.apply(verdict(State.DEAD, false, List.of(Verdict.HOLD_FLAPPING)), true, null,
                false, true);
        assertThat(plan(flapping, null, false, false, Duration.ofMinutes(1)))
                .isInstanceOf(FencingPlanner.Nothing.class);
        FencingAction pending = record(FencingAction.Status.PENDING, false, "timeout", INC);
        assertThat(plan(held, pending, true, false, Duration.ofMinutes(1)))
                .as("a brake engaged after the intent stops the next attempt").isInstanceOf(FencingPlanner.Nothing.class);
    }

    @Test
    void onlyDeadAndUnfencedIsolatedOfAKnownIncarnation() {
        for (State s : List.of(State.RUNNING, State.SUSPECT, State.SERVICE_UNREACHABLE, State.PARTITIONED,
                State.UNKNOWN, State.STOPPED, State.MAINTENANCE)) {
            assertThat(plan(verdict(s, false, null), null, false, false, Duration.ofMinutes(1))).as(s.name())
                    .isInstanceOf(FencingPlanner.Nothing.class);
        }
        assertThat(plan(verdict(State.ISOLATED, true, null, StorageFlag.FENCED), null, false, false,
                Duration.ofMinutes(1))).as("self-fenced").isInstanceOf(FencingPlanner.Nothing.class);
        assertThat(plan(verdict(State.ISOLATED, false, null), null, false, false, Duration.ofMinutes(1)))
                .isInstanceOf(FencingPlanner.Start.class);
        Verdict noIncarnation = new Verdict("compute", "node1", null, State.DEAD, "r", T, false, null, null, 1,
                held.evidence(), T, held.holds());
        assertThat(plan(noIncarnation, null, false, false, Duration.ofMinutes(1)))
                .isInstanceOf(FencingPlanner.Nothing.class);
    }

    @Test
    void onceConfirmedNeverAgainAndPendingResumesAfterItsBackoff() {
        assertThat(plan(held, record(FencingAction.Status.CONFIRMED, false, null, INC), false, false,
                Duration.ofMinutes(1))).isInstanceOf(FencingPlanner.Nothing.class);
        FencingAction pending = new FencingAction("compute", "node1", INC, "ipmi-lanplus", "b", FencingAction.Status
                .PENDING, State.DEAD, null, null, "NONE", 0, false, 1, "timeout", T, T, T.plusSeconds(8), null, 9, T);
        assertThat(plan(held, pending, false, false, Duration.ofSeconds(7)))
                .isEqualTo(new FencingPlanner.WaitUntil(T.plusSeconds(8), "retry back-off"));
        assertThat(plan(held, pending, false, false, Duration.ofSeconds(8)))
                .isEqualTo(new FencingPlanner.Attempt(pending));
        assertThat(plan(held, record(FencingAction.Status.CONFIRMED, false, null, "inc-0"), false, false,
                Duration.ofMinutes(1))).as("a new incarnation is fenced anew").isInstanceOf(FencingPlanner.Start.class);
    }
}
