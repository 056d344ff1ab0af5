package io.hostwatch.service.fencing;

import static io.hostwatch.service.testing.FencingSamples.INC;
import static io.hostwatch.service.testing.FencingSamples.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.service.nova.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FencingRunner}: one attempt against a scripted BMC, on a clock the test advances. */
@Timeout(10)
class FencingRunnerTest {
    final AtomicReference<Instant> now = new AtomicReference<>(T);
    final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    final FencingRunner runner = new FencingRunner(new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30)),
            Duration.ofSeconds(10), Duration.ofSeconds(1), clock, d -> now.set(now.get().plus(d)));
    final FakeBmc bmc = new FakeBmc();

    static FencingAction started(int attempts, int sent) {
        return new FencingAction("compute", "node1", INC, "fake", "fake-bmc", FencingAction.Status.PENDING,
                State.DEAD, SignalStatus.Power.UNKNOWN, null, "NONE", sent, false, attempts, null, T, null, null, null,
                3, T);
    }

    @Test
    void powersOffOnceAndWaitsForTheConfirmation() {
        bmc.readsBeforeOff = 3;
        FencingAction out = runner.attempt(started(1, 0), bmc);
        assertThat(out.status()).isEqualTo(FencingAction.Status.CONFIRMED);
        assertThat(out.power()).isEqualTo(SignalStatus.Power.OFF);
        assertThat(out.action()).isEqualTo("FORCE_OFF");
        assertThat(out.powerOffSent()).isEqualTo(1);
        assertThat(out.alreadyOff()).isFalse();
        assertThat(out.confirmedAt()).isEqualTo(T.plusSeconds(3));
        assertThat(bmc.calls).containsExactly("status", "off", "status", "status", "status", "status");
    }

    @Test
    void aHoldBeforeTheFirstCallAsksNothing() {
        FencingAction out = runner.attempt(started(1, 0), bmc, () -> "the group's mass-failure brake is engaged");
        assertThat(out.status()).isEqualTo(FencingAction.Status.PENDING);
        assertThat(out.lastError()).isEqualTo("held before the BMC was asked: the group's mass-failure brake is engaged");
        assertThat(out.nextAttemptAt()).isEqualTo(T.plusSeconds(2));
        assertThat(bmc.calls).isEmpty();
    }

    @Test
    void aHoldAfterTheStatusReadSendsNoPowerOff() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        FencingAction out = runner.attempt(started(1, 0), bmc,
                () -> asked.getAndIncrement() == 0 ? null : "member in maintenance");
        assertThat(out.status()).isEqualTo(FencingAction.Status.PENDING);
        assertThat(out.power()).isEqualTo(SignalStatus.Power.ON);
        assertThat(out.powerOffSent()).isZero();
        assertThat(out.lastError()).isEqualTo("held before the power-off: member in maintenance");
        assertThat(bmc.calls).containsExactly("status");
    }

    @Test
    void alreadyOffBeforeAnyActionSendsNothing() {
        bmc.on = false;
        FencingAction out = runner.attempt(started(1, 0), bmc);
        assertThat(out.status()).isEqualTo(FencingAction.Status.CONFIRMED);
        assertThat(out.alreadyOff()).isTrue();
        assertThat(out.action()).isEqualTo("NONE");
        assertThat(bmc.powerOffs()).isZero();
    }

    @Test
    void aNewLeaderFindingThePowerOffDoesNotSendAgainNorCallItAlreadyOff() {
        bmc.on = false; // the previous leader's power-off went through before it died
        FencingAction out = runner.attempt(started(2, 0), bmc);
        assertThat(out.status()).isEqualTo(FencingAction.Status.CONFIRMED);
        assertThat(out.alreadyOff()).as("an earlier attempt may have sent it").isFalse();
        assertThat(bmc.powerOffs()).isZero();
    }

    @Test
    void noAnswerIsRetriedWithBackoffNeverGuessed() {
        bmc.failure = "no answer from the BMC within 10000 ms";
        FencingAction out = runner.attempt(started(3, 0), bmc);
        assertThat(out.status()).isEqualTo(FencingAction.Status.PENDING);
        assertThat(out.power()).isEqualTo(SignalStatus.Power.UNKNOWN);
        assertThat(out.lastError()).isEqualTo("no answer from the BMC within 10000 ms");
        assertThat(out.nextAttemptAt()).isEqualTo(T.plusSeconds(8)); // 2 s doubled twice
        assertThat(out.confirmedAt()).isNull();
    }

    @Test
    void noConfirmationWithinTheBoundIsAFailedAttempt() {
        bmc.ignoresPowerOff = true;
        FencingAction out = runner.attempt(started(1, 0), bmc);
        assertThat(out.status()).isEqualTo(FencingAction.Status.PENDING);
        assertThat(out.power()).isEqualTo(SignalStatus.Power.ON);
        assertThat(out.powerOffSent()).isEqualTo(1);
        assertThat(out.lastError()).contains("still reports the power on");
        assertThat(now.get()).isEqualTo(T.plusSeconds(10));
    }

    @Test
    void stampingCountsTheAttemptBeforeItRuns() {
        FencingAction s = FencingRunner.stamped(started(1, 0), 7, T.plusSeconds(1), true);
        assertThat(s.attempts()).isEqualTo(2);
        assertThat(s.epoch()).isEqualTo(7);
        assertThat(FencingRunner.stamped(s, 7, T, false).attempts()).isEqualTo(2);
    }
}
