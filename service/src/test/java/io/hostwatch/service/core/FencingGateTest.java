package io.hostwatch.service.core;

import static io.hostwatch.service.testing.FencingSamples.INC;
import static io.hostwatch.service.testing.FencingSamples.T;
import static io.hostwatch.service.testing.FencingSamples.record;
import static io.hostwatch.service.testing.FencingSamples.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.nova.NovaPlanner;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FencingGate}: what out-of-band fencing makes of each verdict. */
@Timeout(10)
class FencingGateTest {
    @Test
    void withoutFencingConfiguredNothingChanges() {
        Verdict dead = verdict(State.DEAD, true, null);
        assertThat(FencingGate.apply(dead, false, null, false, false)).isSameAs(dead);
    }

    @Test
    void deadIsHeldUntilTheBmcConfirmsPowerOff() {
        Verdict gated = FencingGate.apply(verdict(State.DEAD, true, null), true, null, false, false);
        assertThat(gated.actionable()).isFalse();
        assertThat(gated.holds()).containsExactly(Verdict.HOLD_FENCING);
        assertThat(gated.safeToRecoverAt()).isNull();
        assertThat(gated.reason()).contains("held until its BMC confirms the power off");
        assertThat(NovaPlanner.fenced(gated)).as("Nova waits").isFalse();
    }

    @Test
    void aFailedAttemptShowsFencingFailedWithItsReason() {
        Verdict gated = FencingGate.apply(verdict(State.DEAD, true, null), true,
                record(FencingAction.Status.PENDING, false, "no answer from the BMC within 10000 ms", INC), false,
                false);
        assertThat(gated.actionable()).isFalse();
        assertThat(gated.holds()).containsExactly(Verdict.HOLD_FENCING_FAILED);
        assertThat(gated.reason()).contains("fencing failed").contains("no answer from the BMC within 10000 ms");
        assertThat(gated.evidence().power().status()).isEqualTo(SignalStatus.Power.UNKNOWN);
        assertThat(gated.evidence().power().fenced()).isFalse();
    }

    @Test
    void confirmedPowerOffMakesDeadActionableAndFenced() {
        Verdict gated = FencingGate.apply(verdict(State.DEAD, true, null), true,
                record(FencingAction.Status.CONFIRMED, false, null, INC), false, false);
        assertThat(gated.actionable()).isTrue();
        assertThat(gated.holds()).isNull();
        assertThat(gated.reason()).contains("FENCED: powered off through its BMC");
        assertThat(gated.safeToRecoverAt()).as("no self-fence wait once the power is off").isEqualTo(T.plusSeconds(2));
        Evidence.Power p = gated.evidence().power();
        assertThat(p.status()).isEqualTo(SignalStatus.Power.OFF);
        assertThat(p.fenced()).isTrue();
        assertThat(p.method()).isEqualTo("ipmi-lanplus");
        assertThat(p.answer()).isEqualTo("Chassis Power is off");
        assertThat(p.action()).isEqualTo("FORCE_OFF");
        assertThat(NovaPlanner.fenced(gated)).isTrue();
    }

    @Test
    void alreadyOffMakesDeadCertain() {
        Verdict gated = FencingGate.apply(verdict(State.DEAD, true, null), true,
                record(FencingAction.Status.CONFIRMED, true, null, INC), false, false);
        assertThat(gated.actionable()).isTrue();
        assertThat(gated.reason()).contains("reports the power off: the host is down for certain");
        assertThat(gated.evidence().power().action()).isEqualTo("NONE");
    }

    @Test
    void aRecordOfAnotherIncarnationConfirmsNothing() {
        Verdict gated = FencingGate.apply(verdict(State.DEAD, true, null), true,
                record(FencingAction.Status.CONFIRMED, false, null, "inc-0"), false, false);
        assertThat(gated.actionable()).isFalse();
        assertThat(gated.holds()).containsExactly(Verdict.HOLD_FENCING);
    }

    @Test
    void theBrakeAndFlapDampingStillHoldAFencedVerdict() {
        Verdict gated = FencingGate.apply(verdict(State.DEAD, false, List.of(Verdict.HOLD_BRAKE)), true,
                record(FencingAction.Status.CONFIRMED, false, null, INC), true, true);
        assertThat(gated.actionable()).isFalse();
        assertThat(gated.holds()).containsExactly(Verdict.HOLD_BRAKE, Verdict.HOLD_FLAPPING);
    }

    @Test
    void isolatedUnfencedBecomesActionableOnlyWhenPoweredOffByUs() {
        Verdict isolated = verdict(State.ISOLATED, false, null);
        assertThat(FencingGate.apply(isolated, true, null, false, false).holds())
                .containsExactly(Verdict.HOLD_FENCING);
        Verdict fenced = FencingGate.apply(isolated, true, record(FencingAction.Status.CONFIRMED, false, null, INC),
                false, false);
        assertThat(fenced.actionable()).isTrue();
        assertThat(NovaPlanner.fenced(fenced)).as("ISOLATED fenced by its BMC").isTrue();
        Verdict suspicious = FencingGate.apply(isolated, true, record(FencingAction.Status.CONFIRMED, true, null, INC),
                false, false);
        assertThat(suspicious.actionable()).as("off before any action while storage is fresh").isFalse();
        assertThat(suspicious.holds()).containsExactly(Verdict.HOLD_FENCING_FAILED);
        assertThat(suspicious.reason()).contains("may not be this host's");
    }

    @Test
    void selfFencedIsolatedAndOtherStatesAreLeftAlone() {
        Verdict selfFenced = verdict(State.ISOLATED, true, null, StorageFlag.ISOLATED, StorageFlag.FENCED);
        assertThat(FencingGate.apply(selfFenced, true, null, false, false)).isSameAs(selfFenced);
        for (State s : List.of(State.RUNNING, State.SUSPECT, State.SERVICE_UNREACHABLE, State.PARTITIONED,
                State.UNKNOWN, State.STOPPED, State.MAINTENANCE)) {
            Verdict v = verdict(s, false, null);
            assertThat(FencingGate.apply(v, true, null, false, false)).as(s.name()).isSameAs(v);
        }
    }
}
