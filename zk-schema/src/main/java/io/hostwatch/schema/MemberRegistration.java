package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MemberRegistration(
        String group,
        String host,
        String address,
        String incarnation,
        Instant startedAt,
        boolean leaving,
        long storageIntervalMillis,
        String agentVersion) {

    public MemberId id() {
        return new MemberId(group, host);
    }

    public MemberRegistration withLeaving(boolean value) {
        return new MemberRegistration(group, host, address, incarnation, startedAt, value, storageIntervalMillis,
                agentVersion);
    }
}
