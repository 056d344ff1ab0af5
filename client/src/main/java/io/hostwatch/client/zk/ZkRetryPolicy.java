package io.hostwatch.client.zk;

import io.hostwatch.schema.ZkRetry;
import org.apache.curator.RetryPolicy;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;

/** The retry policy of the agent's and the subscriber's Curator clients: capped as {@link ZkRetry} says. */
public final class ZkRetryPolicy {
    private ZkRetryPolicy() {
    }

    /** A new policy: random exponential backoff, at most {@link ZkRetry#MAX_SLEEP_MS} between attempts. */
    public static RetryPolicy create() {
        return new BoundedExponentialBackoffRetry(ZkRetry.BASE_SLEEP_MS, ZkRetry.MAX_SLEEP_MS, ZkRetry.MAX_RETRIES);
    }
}
