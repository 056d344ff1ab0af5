package io.hostwatch.service.detector;

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
 */
public record DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter,
                               double brakeThreshold, int brakeMinMembers, Duration brakeWindow,
                               int flapThreshold, Duration flapWindow, Duration flapHoldDown) {

    /** Settings with SPEC defaults for the guards. */
    public DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter) {
        this(sessionTimeout, recheckInterval, staleAfter, 0.5, 3, Duration.ofSeconds(60), 3, Duration.ofMinutes(10),
                Duration.ofMinutes(10));
    }
}
