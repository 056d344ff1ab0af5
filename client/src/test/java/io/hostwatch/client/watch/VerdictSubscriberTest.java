package io.hostwatch.client.watch;

import static io.hostwatch.client.watch.LeaderWrites.registration;
import static io.hostwatch.client.watch.LeaderWrites.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VerdictSubscriber} against a real ZooKeeper, with verdicts written as the leader writes them. */
@Timeout(90)
class VerdictSubscriberTest {
    private static final State[] CYCLE = {State.RUNNING, State.SUSPECT, State.DEAD, State.SERVICE_UNREACHABLE,
        State.RUNNING, State.SUSPECT, State.PARTITIONED};
    private static final Duration WAIT = Duration.ofSeconds(30);

    private TestingServer server;
    private final List<CuratorFramework> clients = new ArrayList<>();
    private final List<VerdictSubscriber> subscribers = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        server = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        subscribers.forEach(VerdictSubscriber::close);
        clients.forEach(CuratorFramework::close);
        server.close();
    }

    private CuratorFramework client() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.getConnectString(), 10_000, 5_000,
                new RetryOneTime(100));
        c.start();
        clients.add(c);
        assertThat(c.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
        return c;
    }

    private VerdictSubscriber subscribe(VerdictSubscriber.Builder builder, VerdictListener listener) {
        VerdictSubscriber s = builder.listener(listener).build();
        subscribers.add(s);
        s.start();
        assertThat(s.awaitInitialized(WAIT)).isTrue();
        return s;
    }

    private static List<MemberId> members(String group, int n) {
        List<MemberId> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MemberId.of(group, String.format("h%03d", i)));
        }
        return out;
    }

    /** Writes {@code rounds} verdicts for each member, interleaved; returns the reasons written per member. */
    private static Map<MemberId, List<String>> burst(LeaderWrites leader, List<MemberId> ids, int from, int rounds,
                                                     Runnable midway) throws Exception {
        Map<MemberId, List<String>> written = new HashMap<>();
        for (int r = from; r < from + rounds; r++) {
            if (r == from + rounds / 2 && midway != null) {
                midway.run();
            }
            for (MemberId id : ids) {
                String reason = id.host() + "#" + r;
                leader.publish(verdict(id, CYCLE[r % CYCLE.length], reason));
                written.computeIfAbsent(id, k -> new ArrayList<>()).add(reason);
            }
        }
        return written;
    }

    private static String last(List<String> list) {
        return list.get(list.size() - 1);
    }

    /** The verdicts as they are in ZooKeeper now. */
    private static Map<MemberId, Verdict> truth(CuratorFramework c) throws Exception {
        Map<MemberId, Verdict> out = new TreeMap<>();
        if (c.checkExists().forPath(ZkPaths.VERDICTS) == null) {
            return out;
        }
        for (String group : c.getChildren().forPath(ZkPaths.VERDICTS)) {
            for (String host : c.getChildren().forPath(ZkPaths.verdictGroup(group))) {
                MemberId id = MemberId.of(group, host);
                out.put(id, Json.read(c.getData().forPath(ZkPaths.verdict(id)), Verdict.class));
            }
        }
        return out;
    }

    @Test
    void initialSnapshotThenABurstArrivesCompleteAndInOrderOnOneThread() throws Exception {
        CuratorFramework writer = client();
        LeaderWrites leader = new LeaderWrites(writer);
        MemberId early = MemberId.of("compute", "early");
        leader.publish(verdict(early, State.RUNNING, "early#0"));
        LeaderWrites.register(writer, registration(early, "inc-early"));

        RecordingListener rec = new RecordingListener();
        VerdictSubscriber subscriber = subscribe(VerdictSubscriber.builder(server.getConnectString(),
                Duration.ofSeconds(10)), rec);
        assertThat(rec.initialized).hasSize(1);
        assertThat(rec.initialized.get(0).verdicts()).containsOnlyKeys(early);
        assertThat(rec.initialized.get(0).members()).containsOnlyKeys(early);
        assertThat(rec.changes).isEmpty();

        List<MemberId> ids = members("compute", 40);
        Map<MemberId, List<String>> written = burst(leader, ids, 0, CYCLE.length, null);

        // Every member's last write arrives. Each write is delivered at most once and in the order written;
        // a write overtaken by the next one to the same member before the subscriber read it (its one-shot
        // watch had not been set again yet: a starved thread on a loaded machine) is merged into that one,
        // as docs/subscriber.md says.
        await().atMost(WAIT).until(() -> ids.stream().allMatch(id -> {
            List<String> got = rec.reasons(id);
            return !got.isEmpty() && got.get(got.size() - 1).equals(last(written.get(id)));
        }));
        int merged = 0;
        for (MemberId id : ids) {
            List<String> got = rec.reasons(id);
            assertThat(written.get(id)).as("verdicts delivered for %s", id).containsSubsequence(got);
            assertThat(got).as("each delivered once").doesNotHaveDuplicates();
            merged += written.get(id).size() - got.size();
        }
        System.out.printf("burst: %d writes, %d merged into a later one%n", ids.size() * CYCLE.length, merged);
        assertThat(rec.changes).hasSize(ids.size() * CYCLE.length - merged);
        Map<MemberId, Verdict> previous = new HashMap<>();
        for (RecordingListener.Change c : rec.changes) {
            assertThat(c.old()).as("old is the verdict delivered before").isEqualTo(previous.get(c.now().id()));
            previous.put(c.now().id(), c.now());
        }
        assertThat(rec.threads).hasSize(1).allMatch(t -> t.startsWith("hostwatch-subscriber-"));
        assertThat(subscriber.snapshot().verdicts()).isEqualTo(truth(writer));
    }

    @Test
    void sessionExpiredMidBurstEndsWithTheTrueCurrentState() throws Exception {
        CuratorFramework writer = client();
        CuratorFramework agents = client();
        CuratorFramework subscriberClient = client();
        LeaderWrites leader = new LeaderWrites(writer);
        List<MemberId> ids = members("compute", 30);
        burst(leader, ids, 0, 1, null);
        for (MemberId id : ids.subList(0, 10)) {
            LeaderWrites.register(agents, registration(id, "inc-1"));
        }

        RecordingListener rec = new RecordingListener();
        VerdictSubscriber subscriber = subscribe(VerdictSubscriber.builder(subscriberClient), rec);
        long session = subscriberClient.getZookeeperClient().getZooKeeper().getSessionId();

        burst(leader, ids, 1, 40, () -> {
            try {
                KillSession.kill(subscriberClient.getZookeeperClient().getZooKeeper());
                // While the subscriber is without a session: a member leaves, another is replaced, one joins.
                agents.delete().forPath(ZkPaths.heartbeat(ids.get(0)));
                agents.delete().forPath(ZkPaths.heartbeat(ids.get(1)));
                LeaderWrites.register(agents, registration(ids.get(1), "inc-2"));
                LeaderWrites.register(agents, registration(ids.get(20), "inc-1"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        Map<MemberId, Verdict> truth = truth(writer);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(subscriber.snapshot().verdicts()).isEqualTo(truth);
            assertThat(rec.last).isEqualTo(truth);
            assertThat(subscriber.snapshot().members().keySet()).isEqualTo(Set.of(ids.get(1), ids.get(2),
                    ids.get(3), ids.get(4), ids.get(5), ids.get(6), ids.get(7), ids.get(8), ids.get(9), ids.get(20)));
        });
        assertThat(subscriberClient.getZookeeperClient().getZooKeeper().getSessionId()).isNotEqualTo(session);
        assertThat(rec.connection).contains(ConnectionState.LOST, ConnectionState.RECONNECTED);
        assertThat(subscriber.snapshot().members().get(ids.get(1)).incarnation()).isEqualTo("inc-2");
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.membership).contains("left h000 inc-1",
                "left h001 inc-1", "joined h001 inc-2", "joined h020 inc-1"));
        // Whatever was missed, each member's verdicts came in the order written, never twice.
        for (MemberId id : ids) {
            List<Integer> rounds = rec.reasons(id).stream().map(r -> Integer.parseInt(r.substring(r.indexOf('#') + 1)))
                    .collect(Collectors.toList());
            assertThat(rounds).as("rounds delivered for %s", id).isSorted().doesNotHaveDuplicates();
            assertThat(rounds).last().isEqualTo(40);
        }
    }

    @Test
    void onlyTheChosenGroupAndRemovalsAreReported() throws Exception {
        CuratorFramework writer = client();
        LeaderWrites leader = new LeaderWrites(writer);
        RecordingListener rec = new RecordingListener();
        subscribe(VerdictSubscriber.builder(writer).group("compute"), rec);
        MemberId mine = MemberId.of("compute", "h1");
        leader.publish(verdict(MemberId.of("storage", "s1"), State.DEAD, "other group"));
        leader.publish(verdict(mine, State.RUNNING, "mine"));
        await().atMost(WAIT).until(() -> rec.changes.size() == 1);
        writer.delete().forPath(ZkPaths.verdict(mine));
        await().atMost(WAIT).until(() -> rec.removed.size() == 1);
        assertThat(rec.changes).extracting(c -> c.now().reason()).containsExactly("mine");
        assertThat(rec.removed).extracting(Verdict::reason).containsExactly("mine");
    }

    @Test
    void aFailingListenerDoesNotStopDelivery() throws Exception {
        CuratorFramework writer = client();
        LeaderWrites leader = new LeaderWrites(writer);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        subscribe(VerdictSubscriber.builder(writer), new VerdictListener() {
            @Override
            public void verdictChanged(Verdict old, Verdict now) {
                seen.add(now.reason());
                if (now.reason().equals("first")) {
                    throw new IllegalStateException("listener bug");
                }
            }
        });
        MemberId id = MemberId.of("compute", "h1");
        leader.publish(verdict(id, State.RUNNING, "first"));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        leader.publish(verdict(id, State.SUSPECT, "second"));
        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly("first", "second");
    }

    @Test
    void lifecycleIsLatentStartedClosedOnce() throws Exception {
        CuratorFramework c = client();
        VerdictSubscriber s = VerdictSubscriber.builder(c).listener(new VerdictListener() {
        }).build();
        assertThat(s.state()).isEqualTo(VerdictSubscriber.State.LATENT);
        s.start();
        assertThat(s.state()).isEqualTo(VerdictSubscriber.State.STARTED);
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);
        s.close();
        s.close();
        assertThat(s.state()).isEqualTo(VerdictSubscriber.State.CLOSED);
        assertThat(c.getZookeeperClient().isConnected()).as("a client passed in stays open").isTrue();
        assertThatThrownBy(s::start).isInstanceOf(IllegalStateException.class);

        VerdictSubscriber never = VerdictSubscriber.builder(c).listener(new VerdictListener() {
        }).build();
        never.close();
        assertThat(never.state()).isEqualTo(VerdictSubscriber.State.CLOSED);
        assertThatThrownBy(() -> VerdictSubscriber.builder(c).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> VerdictSubscriber.builder(c).group("a/b"))
                .hasMessageContaining("not an RFC 1123 label");
    }
}
