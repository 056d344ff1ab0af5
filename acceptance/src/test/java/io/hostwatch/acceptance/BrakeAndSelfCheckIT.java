package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.service.testing.Hold;
import io.hostwatch.acceptance.harness.LoopbackBlackhole;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards that need a host to stop answering: hosts at loopback addresses that an nftables rule
 * blackholes (root only). A blackholed host whose agent is killed is, to the detector, powered off.
 */
@Timeout(180)
class BrakeAndSelfCheckIT {
    @TempDir
    Path storage;

    @BeforeEach
    void needRoot() {
        Privileges.requireRootWith("nft");
    }

    @Test
    void sixtyPercentLostAtOnceEngagesTheBrakeUntilReleased() throws Exception {
        List<String> hosts = List.of("b1", "b2", "b3", "b4", "b5");
        List<String> addrs = List.of("127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24", "127.0.0.25");
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "2s"));
             LoopbackBlackhole hole = new LoopbackBlackhole()) {
            List<AgentProcess> agents = c.agents("brakegrp", hosts, addrs);
            for (int i = 0; i < 3; i++) {
                hole.drop(addrs.get(i));
                agents.get(i).kill9();
            }
            await("three DEAD").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                    hosts.subList(0, 3).stream().allMatch(h -> "DEAD".equals(c.state("brakegrp", h))));
            for (String h : hosts.subList(0, 3)) {
                JsonNode v = c.member("brakegrp", h);
                assertThat(v.path("actionable").asBoolean()).as(h + " actionable under the brake").isFalse();
                assertThat(v.path("holds").toString()).contains("BRAKE");
            }
            JsonNode detector = Rest.get(c.url() + "/v1/detector").body();
            assertThat(detector.path("brakes").path("brakegrp").path("engaged").asBoolean()).isTrue();
            assertThat(detector.path("brakes").path("brakegrp").path("lost").asInt()).isGreaterThanOrEqualTo(3);

            Rest.Reply release = Rest.call(HttpRequest.newBuilder(URI.create(c.url() + "/v1/groups/brakegrp/brake"))
                    .DELETE().build());
            assertThat(release.status()).isEqualTo(200);
            await("actionable after release").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> hosts.subList(0, 3).stream()
                            .allMatch(h -> c.member("brakegrp", h).path("actionable").asBoolean()));
            assertThat(c.state("brakegrp", "b4")).isEqualTo("RUNNING");
            await("brake gone from /v1/detector").atMost(Duration.ofSeconds(15)).until(() -> {
                JsonNode d = Rest.json(c.url() + "/v1/detector");
                return !d.isMissingNode() && !d.path("brakes").has("brakegrp");
            });
        }
    }

    @Test
    void detectorThatCannotReachItsIsolationAddressesSaysUnknownNeverDead() throws Exception {
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "2s",
                     "detection.isolationAddresses", "127.0.0.31"));
             LoopbackBlackhole hole = new LoopbackBlackhole()) {
            AgentProcess a = c.agents("compute", List.of("iso1"), List.of("127.0.0.32")).get(0);
            await("self-check OK").atMost(Duration.ofSeconds(20)).until(() -> "OK".equals(
                    Rest.json(c.url() + "/v1/detector").path("selfCheck").path("network").asText()));
            hole.drop("127.0.0.31"); // the detector's own network "fails"
            hole.drop("127.0.0.32"); // and the member stops answering
            await("self-check FAIL").atMost(Duration.ofSeconds(20)).until(() -> "FAIL".equals(
                    Rest.json(c.url() + "/v1/detector").path("selfCheck").path("network").asText()));
            a.kill9();
            await("verdict").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                    "UNKNOWN".equals(c.state("compute", "iso1")));
            JsonNode v = c.member("compute", "iso1");
            assertThat(v.path("evidence").path("ping").path("status").asText()).isEqualTo("UNKNOWN");
            assertThat(v.path("evidence").path("ping").path("detail").asText()).contains("isolation addresses");
            assertThat(v.path("actionable").asBoolean()).isFalse();
            // Rechecks keep it UNKNOWN while the detector's own network is down.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(Hold.of("iso1 UNKNOWN", () -> {
                String s = c.state("compute", "iso1");
                return s == null ? null : "UNKNOWN".equals(s);
            }));
        }
    }
}
