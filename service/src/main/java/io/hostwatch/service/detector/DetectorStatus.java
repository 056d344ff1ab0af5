package io.hostwatch.service.detector;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What {@code GET /v1/detector} shows.
 *
 * @param instance this service instance's id
 * @param leader true when this instance is the leader
 * @param leaderInstance id of the current leader, when known
 * @param epoch this instance's epoch while it leads, else the last epoch it saw
 * @param leaderSince when this instance took its epoch
 * @param zookeeper this instance's ZooKeeper connection state
 * @param judging false while verdicts are held back (connection suspended, grace after takeover)
 * @param members members known to this instance
 * @param pingMethod how hosts are pinged
 * @param selfCheck the detector's check of its own network and storage
 * @param brakes engaged mass-failure brakes, by group
 * @param refusedRegistrations registrations refused on read ({@code group/host} to the reason); absent when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DetectorStatus(String instance, boolean leader, String leaderInstance, long epoch, Instant leaderSince,
                             String zookeeper, boolean judging, int members, String pingMethod,
                             SelfCheck.Status selfCheck, java.util.SortedMap<String, io.hostwatch.schema.BrakeRecord> brakes,
                             java.util.SortedMap<String, String> refusedRegistrations) {
    /**
     * The status as {@code term} and {@code view} show it: brakes engaged in ZooKeeper and those this
     * leader engaged but has not recorded yet ({@code localBrakes}).
     */
    static DetectorStatus of(LeaderTerm term, boolean zkConnected, boolean graceOver, io.hostwatch.service.zk.ClusterView view,
                             EvidenceProbe probe, java.util.Map<String, io.hostwatch.schema.BrakeRecord> localBrakes) {
        java.util.SortedMap<String, io.hostwatch.schema.BrakeRecord> brakes = new java.util.TreeMap<>(localBrakes);
        view.brakes().forEach((g, b) -> {
            if (b.engaged()) {
                brakes.put(g, b);
            }
        });
        java.util.SortedMap<String, String> refused = new java.util.TreeMap<>();
        view.refused().forEach((id, why) -> refused.put(id.group() + "/" + id.host(), why));
        boolean leading = term.isLeader();
        return new DetectorStatus(term.instanceId(), leading, term.leaderId(), term.epoch(), term.leaderSince(),
                zkConnected ? "CONNECTED" : "DISCONNECTED", leading && term.connected() && graceOver,
                view.memberCount(), probe.pingMethod(), probe.selfCheck(), brakes, refused.isEmpty() ? null : refused);
    }
}
