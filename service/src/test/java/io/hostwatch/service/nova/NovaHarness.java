package io.hostwatch.service.nova;

import com.codahale.metrics.MetricRegistry;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.EpochGuardedRecords;
import io.hostwatch.service.zk.VerdictStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;

/**
 * A real ZooKeeper ({@link TestingServer}), the OpenStack contract stub, a "detector" that publishes
 * verdicts the way the real one does (epoch-guarded, through {@link VerdictStore}), and any number
 * of notifier instances, each on its own ZooKeeper session like separate service processes.
 */
final class NovaHarness implements AutoCloseable {
    static final Duration RETRY = Duration.ofMillis(200);

    final TestingServer zk;
    final OpenStackStub stub = OpenStackStub.start();
    final Path secrets;
    private final CuratorFramework detectorClient;
    private final VerdictStore verdicts;
    private final List<Instance> instances = new ArrayList<>();

    /** One service instance's Nova integration. */
    final class Instance implements AutoCloseable {
        final CuratorFramework client;
        final ClusterView view;
        /** What this instance's detector leader published: {@link NovaHarness#publish} tells every instance. */
        final OwnVerdicts own = new OwnVerdicts();
        final NovaIntegration integration;
        final AtomicBoolean leader = new AtomicBoolean();
        final AtomicLong epoch = new AtomicLong(-1);
        final MetricRegistry metrics;

        Instance(NovaApi nova, MasakariApi masakari, boolean reenable, MetricRegistry metrics) {
            this.client = newClient();
            this.view = new ClusterView(client);
            this.metrics = metrics;
            this.integration = NovaIntegration.create(client, own, Leadership.of(leader::get, epoch::get),
                    HostNameMapping.identity(), nova, masakari, reenable,
                    new NovaSettings(Duration.ofMillis(100), Duration.ofSeconds(30), 4,
                            new Backoff(RETRY, Duration.ofSeconds(1))), Clock.systemUTC(), metrics);
            view.start();
            view.awaitInitialized(10_000);
            integration.start();
        }

        /** Takes a new epoch, as the detector does on winning the election, and leads with it. */
        long lead() {
            epoch.set(verdicts.acquireEpoch("instance-" + System.identityHashCode(this)));
            leader.set(true);
            return epoch.get();
        }

        NovaStatus status(String host) {
            return integration.statusLookup().apply(MemberId.of(TestVerdicts.GROUP, host));
        }

        /** Stops like a killed process: its session goes away and nothing of it runs on. */
        @Override
        public void close() {
            leader.set(false);
            integration.stop();
            view.close();
            client.close();
        }
    }

    NovaHarness(Path secrets) {
        this.secrets = secrets;
        try {
            zk = new TestingServer(true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start ZooKeeper", e);
        }
        detectorClient = newClient();
        verdicts = new VerdictStore(detectorClient, Clock.systemUTC());
    }

    /** A notifier instance with the real clients against the stub. */
    Instance instance(boolean masakari, boolean reenable) {
        StubClients clients = new StubClients(stub, secrets, Clock.systemUTC(), Duration.ofSeconds(2));
        return add(new Instance(clients.nova, masakari ? clients.masakari : null, reenable, clients.metrics));
    }

    /** A notifier instance with a given Nova API (a fault-injecting wrapper, say). */
    Instance instance(NovaApi nova) {
        return add(new Instance(nova, null, false, new MetricRegistry()));
    }

    private Instance add(Instance i) {
        instances.add(i);
        return i;
    }

    NovaApi realNova() {
        return new StubClients(stub, secrets, Clock.systemUTC(), Duration.ofSeconds(2)).nova;
    }

    /** Takes a new epoch for some other (not yet acting) leader: every older epoch is superseded. */
    long newEpoch() {
        return verdicts.acquireEpoch("elsewhere");
    }

    /**
     * Publishes a verdict as the detector leader of {@code epoch} does: written under the epoch,
     * then told to every instance as its own leader's publication (an instance acts on it only
     * while it leads with that epoch).
     */
    void publish(Verdict v) {
        verdicts.write(v, v.epoch());
        instances.forEach(i -> i.own.published(v));
    }

    /** Writes a verdict straight into ZooKeeper as anyone could with an open ACL: no leader published it. */
    void plant(Verdict v) {
        try {
            String path = io.hostwatch.schema.ZkPaths.verdict(v.id());
            byte[] data = io.hostwatch.schema.Json.write(v);
            if (detectorClient.checkExists().forPath(path) == null) {
                detectorClient.create().creatingParentsIfNeeded().forPath(path, data);
            } else {
                detectorClient.setData().forPath(path, data);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot plant " + v.id(), e);
        }
    }

    /** The member's record, read from ZooKeeper. */
    Optional<NovaAction> action(String host) {
        return EpochGuardedRecords.novaActions(detectorClient).read(MemberId.of(TestVerdicts.GROUP, host));
    }

    private CuratorFramework newClient() {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).build();
        c.start();
        return c;
    }

    @Override
    public void close() {
        for (Instance i : instances) {
            try {
                i.close();
            } catch (RuntimeException e) {
                // already closed
            }
        }
        detectorClient.close();
        stub.close();
        try {
            zk.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
