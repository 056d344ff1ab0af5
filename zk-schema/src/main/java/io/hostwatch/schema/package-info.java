/**
 * The shared vocabulary of hostwatch: the znode layout ({@link io.hostwatch.schema.ZkPaths}),
 * the records stored in ZooKeeper and on shared storage, name validation
 * ({@link io.hostwatch.schema.Names}), the codecs that read them back safely, how text from
 * outside is made safe to print ({@link io.hostwatch.schema.Printable}) and the figures every
 * ZooKeeper client retries by ({@link io.hostwatch.schema.ZkRetry}).
 *
 * <p>This package depends on Jackson only, so that both a compute host's agent and the
 * service can use it without pulling anything else in.
 */
package io.hostwatch.schema;
