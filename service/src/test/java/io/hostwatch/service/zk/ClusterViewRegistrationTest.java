package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.core.RegistrationPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registrations validated on read, on a real ZooKeeper whose ACLs are open (a misconfigured
 * ensemble: anyone may write any registration): only valid ones make members, rewrites of an
 * accepted one that fail leave it as it was, a group holds a bounded number of members.
 */
@Timeout(60)
class ClusterViewRegistrationTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void onlyValidRegistrationsMakeMembersAndAGroupIsBounded() throws Exception {
        RegistrationPolicy policy = new RegistrationPolicy(List.of("127.0.0.0/8"), 60_000, 2);
        try (TestingServer zk = new TestingServer(true);
             CuratorFramework client = CuratorFrameworkFactory.newClient(zk.getConnectString(), new RetryOneTime(100));
             ClusterView view = new ClusterView(client, policy)) {
            client.start();
            List<String> events = new CopyOnWriteArrayList<>();
            view.addListener(new ClusterView.Listener() {
                @Override
                public void joined(MemberId id, MemberRegistration registration) {
                    events.add("joined " + id.host() + " " + registration.address());
                }

                @Override
                public void left(MemberId id, MemberRegistration last) {
                    events.add("left " + id.host() + " " + last.address());
                }
            });
            view.start();
            assertThat(view.awaitInitialized(10_000)).isTrue();

            register(client, reg("good1", "127.0.0.11", UUID.randomUUID().toString(), null));
            register(client, reg("name", "compute-9.example.com", UUID.randomUUID().toString(), null));
            register(client, reg("outside", "192.0.2.1", UUID.randomUUID().toString(), null));
            register(client, reg("notuuid", "127.0.0.12", "inc-1", null));
            register(client, reg("late", "127.0.0.13", UUID.randomUUID().toString(), 3_600_000L));
            await().atMost(WAIT).until(() -> view.refused().size() == 4);
            assertThat(view.refused()).hasEntrySatisfying(id("name"), r -> assertThat(r).contains("not a literal IP"))
                    .hasEntrySatisfying(id("outside"), r -> assertThat(r).contains("outside the configured networks"))
                    .hasEntrySatisfying(id("notuuid"), r -> assertThat(r).contains("not a UUID"))
                    .hasEntrySatisfying(id("late"), r -> assertThat(r).contains("fenceAfterMillis"));
            assertThat(view.registrations()).containsOnlyKeys(id("good1"));
            assertThat(view.memberCount()).isEqualTo(1);

            // A second member fits; a third waits for a place.
            register(client, reg("good2", "127.0.0.14", UUID.randomUUID().toString(), 30_000L));
            register(client, reg("good3", "127.0.0.15", UUID.randomUUID().toString(), null));
            await().atMost(WAIT).until(() -> view.refused().containsKey(id("good3")));
            assertThat(view.refused().get(id("good3"))).contains("already has 2 members").contains("waits");
            assertThat(view.registrations()).containsOnlyKeys(id("good1"), id("good2"));

            // Rewriting an accepted registration with a bad address changes nothing: no dead host answers ping for it.
            MemberRegistration good2 = view.registration(id("good2")).orElseThrow();
            client.setData().forPath(ZkPaths.heartbeat(id("good2")), Json.write(
                    reg("good2", "192.0.2.99", good2.incarnation(), 30_000L)));
            await().atMost(WAIT).until(() -> view.refused().containsKey(id("good2")));
            assertThat(view.refused().get(id("good2"))).startsWith("rewrite of the accepted registration ignored");
            assertThat(view.registration(id("good2")).orElseThrow().address()).isEqualTo("127.0.0.14");
            // Inside the networks too: a registration changes nothing but 'leaving' while its node exists.
            client.setData().forPath(ZkPaths.heartbeat(id("good2")), Json.write(
                    reg("good2", "127.0.0.99", good2.incarnation(), 30_000L)));
            await().atMost(WAIT).until(() -> view.refused().get(id("good2")).contains("127.0.0.99"));
            assertThat(view.refused().get(id("good2"))).contains("nothing but 'leaving'");
            assertThat(view.registration(id("good2")).orElseThrow().address()).isEqualTo("127.0.0.14");
            client.setData().forPath(ZkPaths.heartbeat(id("good2")), Json.write(good2.withLeaving(true)));
            await().atMost(WAIT).until(() -> view.registration(id("good2")).orElseThrow().leaving());
            assertThat(view.refused()).doesNotContainKey(id("good2"));

            // A refused registration that goes away is no loss; an accepted one is, and frees a place.
            client.delete().forPath(ZkPaths.heartbeat(id("name")));
            client.delete().forPath(ZkPaths.heartbeat(id("good1")));
            await().atMost(WAIT).until(() -> view.registration(id("good3")).isPresent());
            assertThat(events).containsExactly("joined good1 127.0.0.11", "joined good2 127.0.0.14",
                    "joined good2 127.0.0.14", "left good1 127.0.0.11", "joined good3 127.0.0.15");
            assertThat(view.refused()).containsOnlyKeys(id("outside"), id("notuuid"), id("late"));
            assertThat(view.lastRegistration(id("good1")).orElseThrow().address()).as("kept after it left")
                    .isEqualTo("127.0.0.11");
            assertThat(view.lastRegistration(id("name"))).as("never accepted").isEmpty();
        }
    }

    private static MemberId id(String host) {
        return MemberId.of("compute", host);
    }

    private static MemberRegistration reg(String host, String address, String incarnation, Long fenceAfter) {
        return new MemberRegistration("compute", host, address, incarnation, Instant.now(), false, 1000, "test",
                fenceAfter);
    }

    private static void register(CuratorFramework client, MemberRegistration r) throws Exception {
        client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.heartbeat(r.id()),
                Json.write(r));
    }
}
