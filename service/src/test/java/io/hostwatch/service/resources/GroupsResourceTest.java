package io.hostwatch.service.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictStore;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/groups/{group}/members?except=STATE}: what a poller of a large group asks for
 * (everything not {@code RUNNING}), over JAX-RS with the verdicts in a real ZooKeeper.
 */
@Timeout(60)
@ExtendWith(DropwizardExtensionsSupport.class)
class GroupsResourceTest {
    private static final TestingServer ZK;
    private static final CuratorFramework CLIENT;
    private static final ClusterView VIEW;

    static {
        try {
            System.setProperty("zookeeper.admin.enableServer", "false");
            ZK = new TestingServer(true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        CLIENT = CuratorFrameworkFactory.newClient(ZK.getConnectString(), 10_000, 5_000, new RetryOneTime(100));
        VIEW = new ClusterView(CLIENT);
    }

    static final ResourceExtension RESOURCES = ResourceExtension.builder()
            .setMapper(Json.configure(io.dropwizard.jackson.Jackson.newObjectMapper()))
            .addResource(new GroupsResource(VIEW))
            .build();

    @BeforeAll
    static void publish() {
        CLIENT.start();
        VIEW.start();
        assertThat(VIEW.awaitInitialized(10_000)).isTrue();
        VerdictStore store = new VerdictStore(CLIENT, Clock.systemUTC());
        long epoch = store.acquireEpoch("leader");
        publish(store, epoch, "compute", "h1", State.RUNNING);
        publish(store, epoch, "compute", "h2", State.DEAD);
        publish(store, epoch, "compute", "h3", State.ISOLATED);
        publish(store, epoch, "compute", "h4", State.RUNNING);
        publish(store, epoch, "quiet", "q1", State.RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> VIEW.verdicts().size() == 5);
    }

    private static void publish(VerdictStore store, long epoch, String group, String host, State state) {
        store.write(new Verdict(group, host, "192.0.2.1", state, "now " + state, Instant.now(), false, null, "inc",
                epoch, null, Instant.now()), null, epoch);
    }

    @AfterAll
    static void stop() throws Exception {
        VIEW.close();
        CLIENT.close();
        ZK.close();
    }

    private static List<String> hosts(WebTarget target) {
        Response r = target.request().get();
        assertThat(r.getStatus()).isEqualTo(200);
        return r.readEntity(JsonNode.class).path("members").findValuesAsText("host");
    }

    private static WebTarget members(String group) {
        return RESOURCES.target("/v1/groups/" + group + "/members");
    }

    @Test
    void exceptLeavesOutTheMembersInThoseStates() {
        assertThat(hosts(members("compute"))).containsExactly("h1", "h2", "h3", "h4");
        assertThat(hosts(members("compute").queryParam("except", "RUNNING"))).containsExactly("h2", "h3");
        assertThat(hosts(members("compute").queryParam("except", "RUNNING").queryParam("except", "DEAD")))
                .containsExactly("h3");
        assertThat(hosts(members("quiet").queryParam("except", "RUNNING"))).as("a group all RUNNING: empty, not 404")
                .isEmpty();
        assertThat(members("nogroup").queryParam("except", "RUNNING").request().get().getStatus()).isEqualTo(404);
    }

    @Test
    void anUnknownStateIs400WithAClearMessage() {
        for (String bad : new String[] {"running", "BOGUS", "", "RUNNING<script>", "X".repeat(5000)}) {
            Response r = members("compute").queryParam("except", bad).request().get();
            assertThat(r.getStatus()).as(bad.length() > 50 ? "a long value" : bad).isEqualTo(400);
            String message = r.readEntity(JsonNode.class).path("message").asText();
            assertThat(message).contains("except: unknown state").contains("RUNNING").doesNotContain("<script>");
            assertThat(message.length()).isLessThan(400);
        }
    }
}
