package io.hostwatch.service.fencing;

import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.nova.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs one attempt of a recorded fencing against the host's BMC and says how it ended, as the
 * record to write next. Blocking: it runs on the fencer's call pool only.
 *
 * <p>An attempt asks the power state first. Off: confirmed, and nothing is sent (this is how a
 * new leader finishing a dead leader's attempt avoids a second power-off). On: one power-off, then
 * the state is asked every {@code confirmInterval} until it reads off or {@code confirmTimeout}
 * has passed. No answer, a refusal or no confirmation: still pending, with the reason and the
 * next attempt's time (capped back-off). Nothing is ever guessed.
 */
final class FencingRunner {
    /** Waits between confirmation reads (tests pass one that does not sleep). */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Backoff backoff;
    private final Duration confirmTimeout;
    private final Duration confirmInterval;
    private final Clock clock;
    private final Sleeper sleeper;

    FencingRunner(Backoff backoff, Duration confirmTimeout, Duration confirmInterval, Clock clock, Sleeper sleeper) {
        this.backoff = backoff;
        this.confirmTimeout = confirmTimeout;
        this.confirmInterval = confirmInterval;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Why the BMC must not be called now (the brake, maintenance, leadership), or null when it may. */
    interface Hold {
        String reason();
    }

    /** {@code a} is the pending record as written before this attempt ({@code attempts} counts it). */
    FencingAction attempt(FencingAction a, PowerManagement bmc) {
        return attempt(a, bmc, () -> null);
    }

    /**
     * Like {@link #attempt(FencingAction, PowerManagement)}, but {@code hold} is asked again right
     * before the BMC is first called and right before the power-off: a brake that engaged, or a
     * leadership that ended, after the attempt was decided stops it there (nothing sent; retried
     * later, when the planner decides again).
     */
    FencingAction attempt(FencingAction a, PowerManagement bmc, Hold hold) {
        int sent = a.powerOffSent();
        SignalStatus.Power power = SignalStatus.Power.UNKNOWN;
        String answer = a.answer();
        try {
            String held = hold.reason();
            if (held != null) {
                return retry(a, sent, power, answer, "held before the BMC was asked: " + held);
            }
            PowerManagement.Reading first = bmc.status();
            power = first.power();
            answer = first.answer();
            if (first.power() == SignalStatus.Power.OFF) {
                boolean nothingBefore = a.attempts() <= 1 && sent == 0;
                return confirmed(a, sent, answer, nothingBefore);
            }
            held = hold.reason();
            if (held != null) {
                return retry(a, sent, power, answer, "held before the power-off: " + held);
            }
            bmc.powerOff();
            sent++;
            Instant deadline = clock.instant().plus(confirmTimeout);
            while (true) {
                PowerManagement.Reading r = bmc.status();
                power = r.power();
                answer = r.answer();
                if (r.power() == SignalStatus.Power.OFF) {
                    return confirmed(a, sent, answer, false);
                }
                if (!clock.instant().isBefore(deadline)) {
                    return retry(a, sent, power, answer, "the BMC still reports the power on "
                            + confirmTimeout.toMillis() + " ms after the power-off");
                }
                sleeper.sleep(confirmInterval);
            }
        } catch (BmcException e) {
            return retry(a, sent, SignalStatus.Power.UNKNOWN, answer, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return retry(a, sent, power, answer, "interrupted");
        } catch (RuntimeException e) {
            return retry(a, sent, SignalStatus.Power.UNKNOWN, answer, "unexpected: " + e);
        }
    }

    /** The outcome when no BMC can be built for the member (configuration problem): retry later. */
    FencingAction unusable(FencingAction a, String problem) {
        return retry(a, a.powerOffSent(), SignalStatus.Power.UNKNOWN, a.answer(), "no usable BMC: " + problem);
    }

    private FencingAction confirmed(FencingAction a, int sent, String answer, boolean alreadyOff) {
        Instant now = clock.instant();
        return new FencingAction(a.group(), a.host(), a.incarnation(), a.method(), a.bmc(),
                FencingAction.Status.CONFIRMED, a.verdict(), SignalStatus.Power.OFF, answer,
                sent > 0 ? "FORCE_OFF" : "NONE", sent, alreadyOff, a.attempts(), a.lastError(), a.requestedAt(), now,
                null, now, a.epoch(), now);
    }

    private FencingAction retry(FencingAction a, int sent, SignalStatus.Power power, String answer, String error) {
        Instant now = clock.instant();
        return new FencingAction(a.group(), a.host(), a.incarnation(), a.method(), a.bmc(),
                FencingAction.Status.PENDING, a.verdict(), power, answer, sent > 0 ? "FORCE_OFF" : "NONE", sent, false,
                a.attempts(), error, a.requestedAt(), now, now.plus(backoff.delay(a.attempts())), null, a.epoch(),
                now);
    }

    /** {@code a} as written by the leader of {@code epoch} at {@code now}, counting one more attempt when asked. */
    static FencingAction stamped(FencingAction a, long epoch, Instant now, boolean startsAttempt) {
        return new FencingAction(a.group(), a.host(), a.incarnation(), a.method(), a.bmc(), a.status(), a.verdict(),
                a.power(), a.answer(), a.action(), a.powerOffSent(), a.alreadyOff(),
                a.attempts() + (startsAttempt ? 1 : 0), a.lastError(), a.requestedAt(), a.lastAttemptAt(),
                startsAttempt ? null : a.nextAttemptAt(), a.confirmedAt(), epoch, now);
    }
}
