package io.hostwatch.service.detector;

import io.hostwatch.schema.Verdict;
import java.time.Duration;

/**
 * Hears each verdict the leader has durably published. Called on the detector's thread: must not
 * block (hand slow work to your own thread); an exception is logged and ignored.
 */
@FunctionalInterface
public interface PublishListener {
    /**
     * @param previous the member's verdict before (null for its first)
     * @param now the verdict now in ZooKeeper
     * @param sinceHeartbeatLoss from this leader seeing the heartbeat znode go to the write being
     *                           durable; null when this leader did not see the loss happen
     */
    void published(Verdict previous, Verdict now, Duration sinceHeartbeatLoss);
}
