package io.hostwatch.service.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mass-failure brake, flap damping and how the classifier applies them; time is driven by the test. */
@Timeout(10)
class GuardsTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void brakeEngagesWhenMoreThanTheThresholdIsLostWithinTheWindow() {
        MassFailureBrake brake = new MassFailureBrake(0.5, 3, 60 * S);
        assertThat(brake.lost(id("h1"), 0, 10)).isZero();
        assertThat(brake.lost(id("h2"), S, 10)).isZero();
        assertThat(brake.lost(id("h3"), 2 * S, 10)).isZero();
        assertThat(brake.lost(id("h4"), 3 * S, 10)).isZero();
        assertThat(brake.lost(id("h5"), 4 * S, 10)).as("5 of 10 is not more than half").isZero();
        assertThat(brake.lost(id("h6"), 5 * S, 10)).isEqualTo(6);
    }

    @Test
    void brakeNeedsMinimumMembersAndForgetsOldLossesAndOtherGroups() {
        MassFailureBrake brake = new MassFailureBrake(0.5, 3, 60 * S);
        assertThat(brake.lost(id("h1"), 0, 2)).isZero();
        assertThat(brake.lost(id("h2"), S, 2)).as("2 of 2 but fewer than 3 members").isZero();

        MassFailureBrake slow = new MassFailureBrake(0.5, 3, 60 * S);
        slow.lost(id("a"), 0, 4);
        slow.lost(id("b"), 0, 4);
        assertThat(slow.lost(id("c"), 61 * S, 4)).as("earlier losses left the window").isZero();
        assertThat(slow.lost(MemberId.of("other", "x"), 61 * S, 4)).isZero();
        assertThat(slow.lost(id("c"), 62 * S, 4)).as("the same member counts once").isZero();
    }

    @Test
    void brakeResetForgetsLosses() {
        MassFailureBrake brake = new MassFailureBrake(0.5, 3, 60 * S);
        brake.lost(id("a"), 0, 4);
        brake.lost(id("b"), 0, 4);
        assertThat(brake.lost(id("c"), 0, 4)).isEqualTo(3);
        brake.reset("compute");
        assertThat(brake.recent("compute", 0)).isZero();
        assertThat(brake.lost(id("d"), S, 4)).isZero();
    }

    @Test
    void flappingMemberIsHeldDownUntilQuiet() {
        FlapDamper damper = new FlapDamper(3, 600 * S, 300 * S);
        MemberId h = id("flappy");
        damper.lost(h, 0);
        assertThat(damper.holding(h, 0)).isFalse();
        assertThat(damper.flaps(h, 0)).isZero();
        damper.lost(h, 10 * S);
        damper.lost(h, 20 * S);
        assertThat(damper.flaps(h, 20 * S)).isEqualTo(3);
        assertThat(damper.holding(h, 20 * S)).isTrue();
        assertThat(damper.holding(h, 319 * S)).isTrue();
        assertThat(damper.holding(h, 321 * S)).isFalse();
        assertThat(damper.holding(id("other"), 20 * S)).isFalse();
    }

    @Test
    void classifierHoldsActionableVerdictsUnderBrakeOrFlapping() {
        Verdict braked = VerdictClassifier.classify(dead(true, false), null);
        Verdict flapping = VerdictClassifier.classify(dead(false, true), null);
        Verdict both = VerdictClassifier.classify(dead(true, true), null);
        Verdict free = VerdictClassifier.classify(dead(false, false), null);

        assertThat(braked.state()).isEqualTo(State.DEAD);
        assertThat(braked.actionable()).isFalse();
        assertThat(braked.holds()).containsExactly(Verdict.HOLD_BRAKE);
        assertThat(braked.reason()).contains("brake");
        assertThat(flapping.actionable()).isFalse();
        assertThat(flapping.holds()).containsExactly(Verdict.HOLD_FLAPPING);
        assertThat(flapping.evidence().flaps()).isEqualTo(4);
        assertThat(both.holds()).containsExactly(Verdict.HOLD_BRAKE, Verdict.HOLD_FLAPPING);
        assertThat(free.actionable()).isTrue();
        assertThat(free.holds()).isNull();
    }

    @Test
    void holdsNeverTouchVerdictsThatAreNotActionable() {
        Observation o = new Observation(id("h"), "192.0.2.1", "inc", hb(), false,
                new Evidence.Ping(SignalStatus.Ping.FAIL, NOW, "icmp", null, "no reply"),
                new Evidence.Storage(SignalStatus.Storage.FRESH, NOW, 3L, Set.of(StorageFlag.ISOLATED), 500L, "inc",
                        "advancing"), false, NOW, 1, 3000, null, true, 4, true);
        Verdict v = VerdictClassifier.classify(o, null);
        assertThat(v.state()).isEqualTo(State.ISOLATED);
        assertThat(v.holds()).isNull();
    }

    @Test
    void safeToRecoverAtWaitsForTheDeclaredSelfFenceDeadline() {
        Observation o = new Observation(id("h"), "192.0.2.1", "inc", hb(), false,
                new Evidence.Ping(SignalStatus.Ping.FAIL, NOW, "icmp", null, "no reply"),
                new Evidence.Storage(SignalStatus.Storage.STALE, NOW, 3L, Set.of(), 5000L, "inc", "stale"),
                false, NOW, 1, 3000, 30_000L, false, 0, false);
        Verdict v = VerdictClassifier.classify(o, null);
        assertThat(v.safeToRecoverAt()).isEqualTo(NOW.plusSeconds(25));
        // A later recheck never moves it earlier.
        Observation later = new Observation(id("h"), "192.0.2.1", "inc", hb(), false, o.ping(), o.storage(), false,
                NOW.plusSeconds(5), 1, 3000, null, false, 0, false);
        assertThat(VerdictClassifier.classify(later, v).safeToRecoverAt()).isEqualTo(NOW.plusSeconds(25));
    }

    private static Observation dead(boolean brake, boolean flapping) {
        return new Observation(id("h"), "192.0.2.1", "inc", hb(), false,
                new Evidence.Ping(SignalStatus.Ping.FAIL, NOW, "icmp", null, "no reply"),
                new Evidence.Storage(SignalStatus.Storage.STALE, NOW, 3L, Set.of(), 5000L, "inc", "stale"), false, NOW,
                1, 3000, null, brake, flapping ? 4 : 0, flapping);
    }

    private static Evidence.Heartbeat hb() {
        return new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, NOW, "gone");
    }

    private static MemberId id(String host) {
        return MemberId.of("compute", host);
    }
}
