/**
 * How hostwatch's clients (the member agent, {@code hostwatch watch} and the verdict subscriber)
 * speak to ZooKeeper: over TLS with their own X.509 identity when {@link io.hostwatch.client.zk.ZkTls}
 * is given, as a plain-text client otherwise. Every client carries its own
 * {@code ZKClientConfig}, never JVM-wide system properties, so several identities can live in one
 * process. See {@code docs/security.md}.
 */
package io.hostwatch.client.zk;
