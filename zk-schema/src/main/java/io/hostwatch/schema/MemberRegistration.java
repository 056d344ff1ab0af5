package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The data of a member's ephemeral heartbeat znode, written by its agent.
 *
 * @param group service group
 * @param host host name
 * @param address management address the detector pings
 * @param incarnation random id of this agent process (its start id)
 * @param startedAt when the agent started (member's wall clock: display only)
 * @param leaving true once the agent has begun a graceful stop
 * @param storageIntervalMillis how often the agent rewrites its storage slot
 * @param agentVersion version of the agent
 * @param fenceAfterMillis the member's declared self-fence deadline: how long after losing its
 *                         network it runs its isolation response; null when it has none
 * @param storageKey the Ed25519 public key that signs this incarnation's storage records
 *                   ({@link StorageKeys#encode}); null for an agent that signs none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MemberRegistration(
        String group,
        String host,
        String address,
        String incarnation,
        Instant startedAt,
        boolean leaving,
        long storageIntervalMillis,
        String agentVersion,
        Long fenceAfterMillis,
        String storageKey) {

    public MemberRegistration(String group, String host, String address, String incarnation, Instant startedAt,
                              boolean leaving, long storageIntervalMillis, String agentVersion) {
        this(group, host, address, incarnation, startedAt, leaving, storageIntervalMillis, agentVersion, null, null);
    }

    public MemberRegistration(String group, String host, String address, String incarnation, Instant startedAt,
                              boolean leaving, long storageIntervalMillis, String agentVersion,
                              Long fenceAfterMillis) {
        this(group, host, address, incarnation, startedAt, leaving, storageIntervalMillis, agentVersion,
                fenceAfterMillis, null);
    }

    public MemberId id() {
        return new MemberId(group, host);
    }

    public MemberRegistration withLeaving(boolean value) {
        return new MemberRegistration(group, host, address, incarnation, startedAt, value, storageIntervalMillis,
                agentVersion, fenceAfterMillis, storageKey);
    }
}
