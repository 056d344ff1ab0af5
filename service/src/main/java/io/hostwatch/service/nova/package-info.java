/**
 * Nova integration: once a member's verdict says its host is fenced or dead, the detector leader
 * forces the host's {@code nova-compute} service down (so evacuation can start at once instead of
 * after Nova's {@code service_down_time}), optionally tells Masakari, and undoes the force-down
 * when the member is {@code RUNNING} again.
 *
 * <ul>
 *   <li>{@link io.hostwatch.service.nova.NovaNotifier}: the leader-only orchestrator, fed by verdict
 *       changes; decisions on one thread, calls on a small pool, retries with capped back-off.</li>
 *   <li>{@link io.hostwatch.service.nova.NovaPlanner}: the pure decision of what a verdict and the
 *       recorded action call for.</li>
 *   <li>{@link io.hostwatch.service.zk.EpochGuardedRecords#novaActions}: the intent/outcome record in ZooKeeper,
 *       epoch-guarded like verdicts: it makes each action happen once per member incarnation
 *       across leader changes.</li>
 *   <li>{@link io.hostwatch.service.nova.KeystoneSession}, {@link io.hostwatch.service.nova.NovaClient},
 *       {@link io.hostwatch.service.nova.MasakariClient}: the three OpenStack APIs, with timeouts on
 *       every call and one re-authentication on a 401.</li>
 *   <li>{@link io.hostwatch.service.nova.NovaActionRunner}: one attempt of an action, as two steps with
 *       their own state and back-off: the Nova calls, then the Masakari step (the notification of a
 *       force-down, or clearing {@code on_maintenance} with a force-up), which a failing Masakari
 *       never turns into repeated Nova calls.</li>
 *   <li>{@link io.hostwatch.service.nova.NovaOutcomeListener}: told every outcome (metrics).</li>
 *   <li>{@link io.hostwatch.service.nova.NovaIntegration}: builds all of it from the {@code nova.*},
 *       {@code keystone.*} and {@code masakari.*} configuration and registers its lifecycle.</li>
 * </ul>
 *
 * <p>Nothing here ever runs on the detector's thread: a Nova or Keystone outage delays the
 * action, never a verdict. See {@code docs/nova.md}.
 */
package io.hostwatch.service.nova;
