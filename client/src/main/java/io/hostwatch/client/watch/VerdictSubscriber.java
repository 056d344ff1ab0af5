package io.hostwatch.client.watch;

import io.hostwatch.client.zk.ZkTls;
import io.hostwatch.schema.Names;
import java.io.Closeable;
import java.time.Duration;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;

/**
 * A live view of hostwatch's verdicts and members, fed by ZooKeeper watches (Curator's
 * {@code CuratorCache}, no polling), that calls a {@link VerdictListener} on one ordered thread.
 *
 * <pre>{@code
 * try (VerdictSubscriber subscriber = VerdictSubscriber.builder("zk1:2181", Duration.ofSeconds(6))
 *         .listener(myListener).build()) {
 *     subscriber.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Lifecycle: {@code LATENT} after {@code build()}, {@code STARTED} after {@link #start()},
 * {@code CLOSED} after {@link #close()}; each step happens once. {@link #close()} stops the watches,
 * waits for the callback in progress, stops the subscriber's thread, and closes the Curator client
 * when the subscriber created it (not one that was passed in).
 *
 * <p>ZooKeeper sends no events during a network partition: the subscriber then shows the last
 * state it read and tells the listener through {@link VerdictListener#connectionChanged}. When the
 * connection comes back, or a new session replaces an expired one, it re-reads the tree and
 * delivers the final state of everything that changed meanwhile; it does not replay intermediate
 * changes, because ZooKeeper does not keep them (see {@link VerdictListener}).
 */
public interface VerdictSubscriber extends Closeable {
    /** Lifecycle states. */
    enum State { LATENT, STARTED, CLOSED }

    /** A subscriber on an existing Curator client; the caller starts and closes that client. */
    static Builder builder(CuratorFramework client) {
        return new Builder(Objects.requireNonNull(client, "client"), null, null);
    }

    /**
     * A subscriber with its own Curator client, started by {@link #start()} and closed by
     * {@link #close()}.
     *
     * @param connectString ZooKeeper ensemble, e.g. {@code zk1:2181,zk2:2181}
     * @param sessionTimeout the client's session timeout (hostwatch uses 6 s)
     */
    static Builder builder(String connectString, Duration sessionTimeout) {
        return new Builder(null, Objects.requireNonNull(connectString, "connectString"),
                Objects.requireNonNull(sessionTimeout, "sessionTimeout"));
    }

    /** Starts watching; the listener's {@link VerdictListener#initialized} follows once the first read is done. */
    void start();

    /**
     * Waits until the first complete read has been delivered to {@link VerdictListener#initialized}.
     *
     * @return false when that did not happen within {@code timeout} (ZooKeeper not reachable, say)
     *         or the thread was interrupted (the interrupt flag is then set again)
     */
    boolean awaitInitialized(Duration timeout);

    /** The verdicts and members as delivered to the listener so far; safe from any thread. */
    VerdictSnapshot snapshot();

    State state();

    /** Stops watching and releases every thread; idempotent. */
    @Override
    void close();

    /** Builds a {@link VerdictSubscriber}. */
    final class Builder {
        private final CuratorFramework client;
        private final String connectString;
        private final Duration sessionTimeout;
        private Duration connectionTimeout = Duration.ofSeconds(3);
        private String group;
        private VerdictListener listener;
        private ZkTls tls;

        private Builder(CuratorFramework client, String connectString, Duration sessionTimeout) {
            this.client = client;
            this.connectString = connectString;
            this.sessionTimeout = sessionTimeout;
        }

        /** Required: the callbacks. */
        public Builder listener(VerdictListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Only this service group (default: every group). */
        public Builder group(String value) {
            this.group = value == null ? null : Names.group(value);
            return this;
        }

        /** Connection timeout of the subscriber's own client (default 3 s). */
        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = Objects.requireNonNull(value, "connectionTimeout");
            return this;
        }

        /**
         * The subscriber's own client speaks TLS with this identity (a reader certificate, see
         * docs/security.md); default plain text. Ignored for a subscriber on an existing client.
         */
        public Builder tls(ZkTls value) {
            this.tls = value;
            return this;
        }

        public VerdictSubscriber build() {
            if (listener == null) {
                throw new IllegalStateException("a listener is required");
            }
            return new VerdictSubscriberImpl(client, connectString, sessionTimeout, connectionTimeout, group,
                    listener, tls);
        }
    }
}
