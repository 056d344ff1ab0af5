/**
 * ZooKeeper adapters of the service: the embedded server for set-up-free runs, the
 * {@link io.hostwatch.service.zk.ClusterView} cache of members and verdicts that every instance
 * serves reads from, the epoch-guarded {@link io.hostwatch.service.zk.VerdictStore} (which also
 * appends each verdict transition to the member's history), and
 * {@link io.hostwatch.service.zk.VerdictHistory}, the read side of that history.
 * {@code KeeperException}s are translated here and go no further.
 */
package io.hostwatch.service.zk;
