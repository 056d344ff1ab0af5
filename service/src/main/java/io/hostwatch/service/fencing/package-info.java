/**
 * Out-of-band power fencing: before a {@code DEAD} or unfenced {@code ISOLATED} member of a fenced
 * group becomes actionable, the detector leader powers its host off through the host's BMC and
 * waits for the BMC to confirm the power off. A host whose network failed and whose agent then
 * crashed looks exactly like a dead host to every probe; only its BMC can say its VMs have stopped.
 *
 * <ul>
 *   <li>{@link io.hostwatch.service.fencing.PowerManagement}: one host's BMC;
 *       {@link io.hostwatch.service.fencing.IpmiPowerClient} (ipmitool, lanplus) and
 *       {@link io.hostwatch.service.fencing.RedfishPowerClient} (DMTF Redfish).</li>
 *   <li>{@link io.hostwatch.service.fencing.FencingConfiguration},
 *       {@link io.hostwatch.service.fencing.BmcConfiguration},
 *       {@link io.hostwatch.service.fencing.BmcTargets}: which groups are fenced, each host's BMC.</li>
 *   <li>{@link io.hostwatch.service.core.FencingGate} and
 *       {@link io.hostwatch.service.fencing.FencingPlanner}: the pure decisions (what a verdict
 *       becomes, what is to be done).</li>
 *   <li>{@link io.hostwatch.service.fencing.Fencer}: the leader-only loop; it records intent and
 *       outcome in {@link io.hostwatch.service.zk.EpochGuardedRecords#fencing}, epoch-guarded, once per
 *       incarnation; {@link io.hostwatch.service.fencing.FencingView} is every instance's cache of
 *       those records.</li>
 * </ul>
 *
 * <p>See {@code docs/fencing.md}.
 */
package io.hostwatch.service.fencing;
