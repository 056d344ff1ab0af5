/**
 * Subscribing to verdicts through ZooKeeper, without polling the REST API.
 *
 * <p>{@link io.hostwatch.client.watch.VerdictSubscriber} watches the published verdicts
 * ({@code /hostwatch/verdicts}) and the members' heartbeat znodes ({@code /hostwatch/members})
 * with Curator's {@code CuratorCache} and calls a
 * {@link io.hostwatch.client.watch.VerdictListener} on one ordered thread: first the initial
 * snapshot, then every change in the order the subscriber observed it. After its own connection
 * loss and recovery (including an expired session) it reconciles and delivers the current state of
 * every member that changed meanwhile. See {@code docs/subscriber.md} for an example.
 */
package io.hostwatch.client.watch;
