/**
 * The member agent: what runs on every compute host to produce the two heartbeats the detector
 * judges (SPEC §1).
 *
 * <ul>
 *   <li>{@link io.hostwatch.client.agent.HeartbeatRegistration} holds the EPHEMERAL znode
 *       {@code /hostwatch/members/{group}/{host}} for the agent's ZooKeeper session (the network
 *       heartbeat). ZooKeeper deletes it when the session expires or closes.</li>
 *   <li>{@link io.hostwatch.client.agent.StorageHeartbeatWriter} rewrites the slot
 *       {@code <storage root>/<group>/<host>.hb} every storage interval with an advancing counter
 *       (the storage heartbeat), atomically and durably.</li>
 *   <li>{@link io.hostwatch.client.agent.ServiceSupervisor} optionally watches the supervised
 *       service (a health command or a pid file) and withdraws the znode while it is down.</li>
 *   <li>{@link io.hostwatch.client.agent.IsolationGuard} notices this host's own network isolation
 *       (ZooKeeper unreachable and no isolation address answers), flags it in storage, runs the
 *       isolation response after {@code fenceAfter} and flags {@code FENCED} (docs/agent.md).</li>
 *   <li>{@link io.hostwatch.client.agent.MemberAgent} composes them with one Curator client and
 *       performs the graceful stop.</li>
 * </ul>
 *
 * <p>Every stateful class here has {@code start()} and an idempotent {@code close()}, guarded by an
 * atomic {@code LATENT → STARTED → CLOSED} state, and takes its scheduler and clock from outside.
 */
package io.hostwatch.client.agent;
