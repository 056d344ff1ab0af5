package io.hostwatch.service.detector;

import io.hostwatch.service.core.GroupStateMachine;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(DetectorSettings.class);

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

    /**
     * The settle window that covers how far apart the losses of hosts that fail at the same moment
     * arrive: a ZooKeeper client pings after a third of the session timeout without traffic, so the
     * sessions were last heard up to {@code T/3} apart, and the server expires sessions on its tick,
     * which is at most {@code T/2} (a session is at least two ticks). Rounded up to 100 ms.
     */
    public static Duration settleFor(Duration sessionTimeout) {
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeout);
        }
        long spread = sessionTimeout.toMillis() / 3 + sessionTimeout.toMillis() / 2;
        return Duration.ofMillis((spread + 99) / 100 * 100);
    }

    /**
     * The settle window to use: the configured one, else {@link #settleFor}. A configured window
     * shorter than that is kept (the operator may know a shorter tick) but warned about: the first
     * losses of hosts that fail together could become actionable before the brake engages.
     */
    public static Duration settle(Duration configured, Duration sessionTimeout) {
        Duration covering = settleFor(sessionTimeout);
        if (configured == null) {
            return covering;
        }
        if (configured.isNegative()) {
            throw new IllegalArgumentException("brake.settle must not be negative: " + configured);
        }
        if (configured.compareTo(covering) < 0) {
            LOG.warn("brake.settle {} ms is shorter than {} ms, how far apart ZooKeeper may expire the sessions "
                            + "of hosts that fail together (session timeout {} ms): the first of them can become "
                            + "actionable before the brake engages", configured.toMillis(), covering.toMillis(),
                    sessionTimeout.toMillis());
        }
        return configured;
    }

    /** Settings with SPEC defaults for the guards. */
    public DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter) {
        this(sessionTimeout, recheckInterval, staleAfter, 0.5, 3, Duration.ofSeconds(60), 3, Duration.ofMinutes(10),
                Duration.ofMinutes(10));
    }
}
