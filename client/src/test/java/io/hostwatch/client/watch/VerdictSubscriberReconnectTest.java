package io.hostwatch.client.watch;

import static io.hostwatch.client.watch.LeaderWrites.registration;
import static io.hostwatch.client.watch.LeaderWrites.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.ZkPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The subscriber's ZooKeeper server goes away while the cluster carries on, then comes back: the
 * subscriber delivers the final state of what changed meanwhile, and nothing it already had.
 */
@Timeout(120)
class VerdictSubscriberReconnectTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void afterReconnectingDeliversTheFinalStateOfWhatChangedMeanwhile() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, -1, 500, -1));
        }
        try (TestingCluster cluster = new TestingCluster(specs)) {
            cluster.start();
            InstanceSpec subscriberServer = specs.get(0);
            String others = connectString(specs.get(1)) + "," + connectString(specs.get(2));
            try (CuratorFramework writer = connect(others); CuratorFramework agents = connect(others);
                 CuratorFramework subscriberClient = connect(connectString(subscriberServer))) {
                LeaderWrites leader = new LeaderWrites(writer);
                MemberId changing = MemberId.of("compute", "changing");
                MemberId steady = MemberId.of("compute", "steady");
                MemberId removed = MemberId.of("compute", "removed");
                MemberId replaced = MemberId.of("compute", "replaced");
                MemberId leaving = MemberId.of("compute", "leaving");
                leader.publish(verdict(changing, State.RUNNING, "running"));
                leader.publish(verdict(steady, State.RUNNING, "steady"));
                leader.publish(verdict(removed, State.STOPPED, "stopped"));
                LeaderWrites.register(agents, registration(replaced, "inc-1"));
                LeaderWrites.register(agents, registration(leaving, "inc-1"));

                RecordingListener rec = new RecordingListener();
                try (VerdictSubscriber subscriber = VerdictSubscriber.builder(subscriberClient).listener(rec)
                        .build()) {
                    subscriber.start();
                    assertThat(subscriber.awaitInitialized(WAIT)).isTrue();
                    await().atMost(WAIT).until(() -> subscriber.snapshot().members().size() == 2);

                    cluster.killServer(subscriberServer);
                    await().atMost(WAIT).until(() -> rec.connection.contains(ConnectionState.SUSPENDED));
                    leader.publish(verdict(changing, State.SUSPECT, "suspect"));
                    leader.publish(verdict(changing, State.DEAD, "dead"));
                    writer.delete().forPath(ZkPaths.verdict(removed));
                    agents.delete().forPath(ZkPaths.heartbeat(replaced));
                    LeaderWrites.register(agents, registration(replaced, "inc-2"));
                    agents.delete().forPath(ZkPaths.heartbeat(leaving));
                    assertThat(rec.changes).as("nothing arrives while disconnected").isEmpty();

                    cluster.restartServer(subscriberServer);
                    await().atMost(WAIT).untilAsserted(() -> {
                        assertThat(rec.connection).contains(ConnectionState.RECONNECTED);
                        assertThat(rec.changes).hasSize(1);
                        assertThat(rec.removed).hasSize(1);
                        assertThat(rec.membership).hasSize(3);
                    });
                    RecordingListener.Change change = rec.changes.get(0);
                    assertThat(change.old().reason()).isEqualTo("running");
                    assertThat(change.now().reason()).as("the final state, not the intermediate SUSPECT")
                            .isEqualTo("dead");
                    assertThat(rec.removed.get(0).reason()).isEqualTo("stopped");
                    assertThat(rec.membership).containsExactlyInAnyOrder("left replaced inc-1", "joined replaced inc-2",
                            "left leaving inc-1");
                    assertThat(rec.membership.indexOf("left replaced inc-1"))
                            .isLessThan(rec.membership.indexOf("joined replaced inc-2"));
                    assertThat(subscriber.snapshot().verdicts()).containsOnlyKeys(changing, steady);
                    assertThat(subscriber.snapshot().members()).containsOnlyKeys(replaced);
                }
            }
        }
    }

    private static String connectString(InstanceSpec spec) {
        return "127.0.0.1:" + spec.getPort();
    }

    /** A client that stays on the servers it is given (no ensemble tracking, which would find the others). */
    private static CuratorFramework connect(String connectString) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(15_000)
                .connectionTimeoutMs(3_000).retryPolicy(new RetryOneTime(200)).ensembleTracker(false).build();
        c.start();
        assertThat(c.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        return c;
    }
}
