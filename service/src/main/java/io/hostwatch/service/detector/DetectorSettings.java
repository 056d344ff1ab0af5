package io.hostwatch.service.detector;

import io.hostwatch.service.core.GroupStateMachine;
import java.time.Duration;

/**
 * Timings and guards of the detector.
 *
 * @param sessionTimeout the ZooKeeper session timeout: the grace a new leader gives members that
 *                       were already missing
 * @param recheckInterval how often members that are not RUNNING are probed again
 * @param staleAfter how long a storage counter may stand still before it is stale
 * @param brakeThreshold fraction of a group that, lost within {@code brakeWindow}, engages the brake
 * @param brakeMinMembers the brake engages only when at least this many members are lost
 * @param brakeWindow window of the brake
 * @param flapThreshold losses within {@code flapWindow} that make a member flap
 * @param flapWindow window of flap counting
 * @param flapHoldDown how long a flapping member stays non-actionable after its last loss
 * @param settle how long after a loss a verdict that would be actionable is held, so that losses
 *               spread over a few seconds count together towards the brake; zero for none
 */
public record DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter,
                               double brakeThreshold, int brakeMinMembers, Duration brakeWindow,
                               int flapThreshold, Duration flapWindow, Duration flapHoldDown, Duration settle) {

    /** Settings without a settle window. */
    public DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter,
                            double brakeThreshold, int brakeMinMembers, Duration brakeWindow,
                            int flapThreshold, Duration flapWindow, Duration flapHoldDown) {
        this(sessionTimeout, recheckInterval, staleAfter, brakeThreshold, brakeMinMembers, brakeWindow, flapThreshold,
                flapWindow, flapHoldDown, Duration.ZERO);
    }

    /** The same timings for the state machine, in milliseconds. */
    public GroupStateMachine.Rules rules() {
        return new GroupStateMachine.Rules(sessionTimeout.toMillis(), staleAfter.toMillis(), brakeThreshold,
                brakeMinMembers, brakeWindow.toMillis(), flapThreshold, flapWindow.toMillis(), flapHoldDown.toMillis(),
                settle.toMillis());
    }

    /** Settings with SPEC defaults for the guards. */
    public DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter) {
        this(sessionTimeout, recheckInterval, staleAfter, 0.5, 3, Duration.ofSeconds(60), 3, Duration.ofMinutes(10),
                Duration.ofMinutes(10));
    }
}
