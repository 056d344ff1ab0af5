package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two service instances: the leader dies, the other takes over with a higher epoch, verdicts survive. */
@Timeout(300)
class LeaderFailoverIT {
    @TempDir
    Path storage;

    @Test
    void followerTakesOverWithHigherEpochAndVerdictsSurvive() throws Exception {
        try (TestingServer zk = ZooKeeperServers.start();
             ServiceProcess a = ServiceProcess.start("service-a", zk.getConnectString(), storage, "4s",
                     Map.of("detection.recheckInterval", "2s"));
             ServiceProcess b = ServiceProcess.start("service-b", zk.getConnectString(), storage, "4s",
                     Map.of("detection.recheckInterval", "2s"))) {
            await("a leader").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> leader(List.of(a, b)) != null);
            ServiceProcess leader = leader(List.of(a, b));
            ServiceProcess follower = leader == a ? b : a;
            long firstEpoch = epoch(leader);

            try (AgentProcess stays = AgentProcess.start(zk.getConnectString(), "compute", "stays", "127.0.0.1",
                    storage, "4s");
                 AgentProcess dies = AgentProcess.start(zk.getConnectString(), "compute", "dies", "127.0.0.1",
                         storage, "4s")) {
                // Two agent JVMs start on a machine that may be busy: the harness's 180 s.
                await().atMost(Duration.ofSeconds(180)).until(() ->
                        "RUNNING".equals(Rest.state(follower.url(), "compute", "stays"))
                                && "RUNNING".equals(Rest.state(follower.url(), "compute", "dies")));
                dies.kill9();
                await().atMost(Duration.ofSeconds(24)).until(() ->
                        "SERVICE_UNREACHABLE".equals(Rest.state(follower.url(), "compute", "dies")));

                leader.kill9();

                await("takeover").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> detector(follower).path("leader").asBoolean());
                long secondEpoch = epoch(follower);
                assertThat(secondEpoch).isGreaterThan(firstEpoch);

                // Verdicts written under the old epoch survive the takeover.
                JsonNode dead = member(follower, "dies");
                assertThat(dead.path("state").asText()).isEqualTo("SERVICE_UNREACHABLE");
                assertThat(member(follower, "stays").path("state").asText()).isEqualTo("RUNNING");

                // The new leader judges: a member lost now gets a verdict under the new epoch.
                stays.kill9();
                await().atMost(Duration.ofSeconds(24)).pollInterval(Duration.ofMillis(100)).until(() ->
                        "SERVICE_UNREACHABLE".equals(Rest.state(follower.url(), "compute", "stays")));
                assertThat(member(follower, "stays").path("epoch").asLong()).isEqualTo(secondEpoch);
            }
        }
    }

    private static ServiceProcess leader(List<ServiceProcess> services) {
        for (ServiceProcess s : services) {
            JsonNode d = detector(s);
            if (d != null && d.path("leader").asBoolean()) {
                return s;
            }
        }
        return null;
    }

    /** The instance's epoch, as soon as it answers. */
    private static long epoch(ServiceProcess s) {
        return await("epoch of " + s.name()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> detector(s).path("epoch"), JsonNode::isNumber).asLong();
    }

    /** The detector's JSON, or a MissingNode when the instance did not answer (in time). */
    private static JsonNode detector(ServiceProcess s) {
        return Rest.json(s.url() + "/v1/detector");
    }

    private static JsonNode member(ServiceProcess s, String host) {
        return Rest.json(s.url() + "/v1/groups/compute/members/" + host);
    }
}
