package io.hostwatch.schema;

/**
 * How every ZooKeeper client of hostwatch (the member agent, the verdict subscriber, the service)
 * retries an operation while the ensemble cannot be reached: Curator's
 * {@code BoundedExponentialBackoffRetry} with these figures, a random backoff growing from
 * {@value #BASE_SLEEP_MS} ms, never more than {@value #MAX_SLEEP_MS} ms between two attempts, at
 * most {@value #MAX_RETRIES} retries. The cap keeps a long outage from stretching the pauses (a
 * client tries again within two seconds of the ensemble coming back), and the bounded policy caps
 * without the "Sleep extension too large" WARN that Curator's plain exponential policy logs at
 * every retry past its limit. (The figures live here, the policy beside each client, because this
 * module does not depend on Curator.)
 */
public final class ZkRetry {
    /** The first pause between attempts, in milliseconds; later ones grow from it at random. */
    public static final int BASE_SLEEP_MS = 250;
    /** The longest pause between two attempts, in milliseconds. */
    public static final int MAX_SLEEP_MS = 2_000;
    /** How often one operation is retried before it fails. */
    public static final int MAX_RETRIES = 10;

    private ZkRetry() {
    }
}
