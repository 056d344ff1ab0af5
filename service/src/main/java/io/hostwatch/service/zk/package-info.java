/**
 * ZooKeeper adapters of the service: the embedded server for set-up-free runs, the
 * {@link io.hostwatch.service.zk.ClusterView} cache of members and verdicts that every instance
 * serves reads from, and the epoch-guarded {@link io.hostwatch.service.zk.VerdictStore}.
 * {@code KeeperException}s are translated here and go no further.
 */
package io.hostwatch.service.zk;
