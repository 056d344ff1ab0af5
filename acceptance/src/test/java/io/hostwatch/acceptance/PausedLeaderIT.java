package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.service.testing.Hold;
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

/**
 * A leader frozen (SIGSTOP) past its session timeout: the other instance takes over with a new
 * epoch and judges; when the old one resumes it has lost its session and its epoch, it steps down
 * and no verdict of its epoch lands after the takeover.
 */
@Timeout(300)
class PausedLeaderIT {
    @TempDir
    Path storage;

    @Test
    void pausedLeaderResumingAfterTakeoverWritesNothing() throws Exception {
        Map<String, String> fast = Map.of("detection.recheckInterval", "1s");
        try (TestingServer zk = ZooKeeperServers.start();
             ServiceProcess a = ServiceProcess.start("service-a", zk.getConnectString(), storage, "4s", fast);
             ServiceProcess b = ServiceProcess.start("service-b", zk.getConnectString(), storage, "4s", fast);
             AgentProcess x1 = AgentProcess.start(zk.getConnectString(), "compute", "x1", "127.0.0.1", storage, "4s");
             AgentProcess x2 = AgentProcess.start(zk.getConnectString(), "compute", "x2", "127.0.0.1", storage, "4s")) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> leader(a) || leader(b));
            ServiceProcess old = leader(a) ? a : b;
            ServiceProcess next = old == a ? b : a;
            // Four JVMs start on a machine that may be busy: agent start-up gets the harness's 180 s.
            await().atMost(Duration.ofSeconds(180)).until(() -> "RUNNING".equals(state(next, "x1"))
                    && "RUNNING".equals(state(next, "x2")));
            long oldEpoch = epoch(old);

            old.signal("STOP");
            try {
                await("takeover").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> leader(next));
                long newEpoch = epoch(next);
                assertThat(newEpoch).isGreaterThan(oldEpoch);
                x1.kill9();
                await().atMost(Duration.ofSeconds(24)).pollInterval(Duration.ofMillis(100))
                        .until(() -> "SERVICE_UNREACHABLE".equals(state(next, "x1")));
            } finally {
                old.signal("CONT");
            }
            long newEpoch = epoch(next);
            await("old leader steps down").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode d = detector(old);
                        return !d.isMissingNode() && !d.path("leader").asBoolean();
                    });
            // For a while after the resume, every verdict stays as the new leader wrote it.
            // A look where an instance did not answer in time (a loaded machine) is no answer, not a break.
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(16)).pollInterval(Duration.ofMillis(200))
                    .until(Hold.of("verdicts as the new leader wrote them, it leading, the old one not", () -> {
                        JsonNode v1 = member(next, "x1");
                        JsonNode v2 = member(next, "x2");
                        JsonNode dNext = detector(next);
                        JsonNode dOld = detector(old);
                        if (v1.isMissingNode() || v2.isMissingNode() || dNext.isMissingNode() || dOld.isMissingNode()) {
                            return null;
                        }
                        return "SERVICE_UNREACHABLE".equals(v1.path("state").asText())
                                && v1.path("epoch").asLong() == newEpoch
                                && "RUNNING".equals(v2.path("state").asText())
                                && v2.path("epoch").asLong() <= newEpoch
                                && dNext.path("leader").asBoolean() && !dOld.path("leader").asBoolean();
                    }));
            for (String host : List.of("x1", "x2")) {
                await("the old instance's view of " + host).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    String now = member(next, host).path("state").asText();
                    assertThat(now).as("the new leader's view of " + host).isNotEmpty();
                    assertThat(member(old, host).path("state").asText()).as("the old instance's view of " + host)
                            .isEqualTo(now);
                });
            }
        }
    }

    private static boolean leader(ServiceProcess s) {
        return detector(s).path("leader").asBoolean();
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

    private static String state(ServiceProcess s, String host) {
        return Rest.state(s.url(), "compute", host);
    }

    private static JsonNode member(ServiceProcess s, String host) {
        return Rest.json(s.url() + "/v1/groups/compute/members/" + host);
    }
}
