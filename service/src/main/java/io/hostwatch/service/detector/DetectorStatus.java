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
}
