package io.hostwatch.service.detector;

import java.time.Duration;

/**
 * Timings of the detector.
 *
 * @param sessionTimeout the ZooKeeper session timeout: the grace a new leader gives members that
 *                       were already missing
 * @param recheckInterval how often members that are not RUNNING are probed again
 * @param staleAfter how long a storage counter may stand still before it is stale
 */
public record DetectorSettings(Duration sessionTimeout, Duration recheckInterval, Duration staleAfter) {
}
