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
import io.hostwatch.service.zk.VerdictHistory;
import io.hostwatch.service.zk.VerdictStore;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/groups/{group}/members/{host}/history} over JAX-RS, with the history in a real ZooKeeper. */
@Timeout(60)
@ExtendWith(DropwizardExtensionsSupport.class)
class HistoryResourceTest {
    private static final TestingServer ZK;
    private static final CuratorFramework CLIENT;
    private static final ClusterView VIEW;
    private static final AtomicBoolean CONNECTED = new AtomicBoolean(true);

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
            .addResource(new HistoryResource(VIEW, new VerdictHistory(CLIENT, Duration.ofSeconds(5)), CONNECTED::get))
            .build();

    @BeforeAll
    static void publish() {
        CLIENT.start();
        VIEW.start();
        assertThat(VIEW.awaitInitialized(10_000)).isTrue();
        VerdictStore store = new VerdictStore(CLIENT, Clock.systemUTC());
        long epoch = store.acquireEpoch("leader");
        Verdict previous = null;
        for (State s : new State[] {State.RUNNING, State.SUSPECT, State.DEAD}) {
            Verdict next = new Verdict("compute", "h1", "192.0.2.1", s, "now " + s, Instant.now(), s == State.DEAD,
                    null, "inc", epoch, null, Instant.now());
            store.write(next, previous, epoch);
            previous = next;
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> VIEW.verdict(MemberId.of("compute", "h1")).isPresent());
    }

    @AfterAll
    static void stop() throws Exception {
        VIEW.close();
        CLIENT.close();
        ZK.close();
    }

    private static Response get(String path) {
        return RESOURCES.target(path).request().get();
    }

    @Test
    void newestFirstWithLimit() {
        JsonNode body = get("/v1/groups/compute/members/h1/history").readEntity(JsonNode.class);
        assertThat(body.path("group").asText()).isEqualTo("compute");
        assertThat(body.path("host").asText()).isEqualTo("h1");
        assertThat(body.path("transitions").findValuesAsText("state")).containsExactly("DEAD", "SUSPECT", "RUNNING");
        assertThat(body.path("transitions").get(0).path("actionable").asBoolean()).isTrue();
        JsonNode two = RESOURCES.target("/v1/groups/compute/members/h1/history").queryParam("limit", 2).request()
                .get(JsonNode.class);
        assertThat(two.path("transitions").findValuesAsText("state")).containsExactly("DEAD", "SUSPECT");
    }

    @Test
    void badLimitIs400() {
        for (String bad : new String[] {"0", "-1", "1001", "ten", "1.5"}) {
            Response r = RESOURCES.target("/v1/groups/compute/members/h1/history").queryParam("limit", bad)
                    .request().get();
            assertThat(r.getStatus()).as(bad).isEqualTo(400);
            assertThat(r.readEntity(JsonNode.class).path("message").asText()).contains("limit");
        }
    }

    @Test
    void badNameIs400AndUnknownMember404() {
        Response bad = get("/v1/groups/compute/members/Bad_name/history");
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(bad.readEntity(JsonNode.class).path("message").asText()).contains("host name");
        assertThat(get("/v1/groups/bad..group/members/h1/history").getStatus()).isEqualTo(400);
        Response unknown = get("/v1/groups/compute/members/nobody/history");
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.readEntity(JsonNode.class).path("message").asText()).contains("unknown member");
    }

    @Test
    void notConnectedIs503() {
        CONNECTED.set(false);
        try {
            assertThat(get("/v1/groups/compute/members/h1/history").getStatus()).isEqualTo(503);
        } finally {
            CONNECTED.set(true);
        }
    }
}
