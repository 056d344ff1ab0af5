package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Set;

/**
 * What the detector observed of each signal when it judged a member.
 *
 * @param heartbeat the network heartbeat (ephemeral znode)
 * @param ping the ping probe, or null when it was not needed (heartbeat present)
 * @param storage the storage heartbeat, or null when not yet observed
 * @param flaps how often the member went LOST and came back within the flap window, when it did
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(Heartbeat heartbeat, Ping ping, Storage storage, Integer flaps) {

    public Evidence(Heartbeat heartbeat, Ping ping, Storage storage) {
        this(heartbeat, ping, storage, null);
    }

    /** Network heartbeat evidence. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Heartbeat(SignalStatus.Heartbeat status, Instant observedAt, String detail) {
    }

    /**
     * Ping evidence.
     *
     * @param method how the host was probed ({@code icmp}, {@code tcp:22}, ...)
     * @param rttMicros round-trip time when it answered
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ping(SignalStatus.Ping status, Instant observedAt, String method, Long rttMicros, String detail) {
    }

    /**
     * Storage heartbeat evidence.
     *
     * @param seq last sequence counter read from the slot
     * @param flags flags in the last record read
     * @param millisSinceAdvance time on the detector's monotonic clock since the counter last advanced
     * @param incarnation incarnation written in the slot
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Storage(SignalStatus.Storage status, Instant observedAt, Long seq, Set<StorageFlag> flags,
                          Long millisSinceAdvance, String incarnation, String detail) {
    }
}
