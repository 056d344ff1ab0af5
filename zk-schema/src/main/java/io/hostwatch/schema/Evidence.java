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
 * @param power what the member's BMC answered (out-of-band fencing), when fencing is configured and asked
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(Heartbeat heartbeat, Ping ping, Storage storage, Integer flaps, Power power) {

    public Evidence(Heartbeat heartbeat, Ping ping, Storage storage) {
        this(heartbeat, ping, storage, null, null);
    }

    public Evidence(Heartbeat heartbeat, Ping ping, Storage storage, Integer flaps) {
        this(heartbeat, ping, storage, flaps, null);
    }

    /** This evidence with {@code power} in place of what it had. */
    public Evidence withPower(Power p) {
        return new Evidence(heartbeat, ping, storage, flaps, p);
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

    /**
     * Out-of-band power evidence: what the member's BMC answered.
     *
     * @param status {@code OFF} (confirmed off), {@code ON}, or {@code UNKNOWN} (no answer)
     * @param observedAt when the BMC answered (or the attempt ended)
     * @param method how it was asked ({@code ipmi-lanplus}, {@code redfish})
     * @param answer the BMC's answer, as it gave it ({@code Chassis Power is off}, {@code PowerState Off})
     * @param action what hostwatch did: {@code FORCE_OFF}, or {@code NONE} when the power was already off
     * @param fenced true once the power is confirmed off for this incarnation: the host's workloads have stopped
     * @param detail why the power is not (yet) confirmed off, when it is not
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Power(SignalStatus.Power status, Instant observedAt, String method, String answer, String action,
                        boolean fenced, String detail) {
    }
}
