package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * Data of {@link ZkPaths#EPOCH}. The znode's data version is the epoch itself: every new leader
 * bumps it with a versioned write, and every verdict write checks that version in the same
 * multi-op, so a deposed leader's write fails.
 *
 * @param epoch the epoch (equal to the znode version after the leader's write)
 * @param leader id of the service instance that holds it
 * @param since when it was taken
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EpochRecord(long epoch, String leader, Instant since) {
}
