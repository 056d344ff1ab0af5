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

/**
 * A leader frozen (SIGSTOP) past its session timeout: the other instance takes over with a new
 * epoch and judges; when the old one resumes it has lost its session and its epoch, it steps down
 * and no verdict of its epoch lands after the takeover.
 */
@Timeout(180)
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
            await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(state(next, "x1"))
                    && "RUNNING".equals(state(next, "x2")));
            long oldEpoch = detector(old).path("epoch").asLong();

            old.signal("STOP");
            try {
                await("takeover").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> leader(next));
                long newEpoch = detector(next).path("epoch").asLong();
                assertThat(newEpoch).isGreaterThan(oldEpoch);
                x1.kill9();
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> "SERVICE_UNREACHABLE".equals(state(next, "x1")));
            } finally {
                old.signal("CONT");
            }
            long newEpoch = detector(next).path("epoch").asLong();
            await("old leader steps down").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> detector(old) != null && !leader(old));
            // For a while after the resume, every verdict stays as the new leader wrote it.
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(9)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        JsonNode v1 = member(next, "x1");
                        JsonNode v2 = member(next, "x2");
                        return "SERVICE_UNREACHABLE".equals(v1.path("state").asText())
                                && v1.path("epoch").asLong() == newEpoch
                                && "RUNNING".equals(v2.path("state").asText())
                                && v2.path("epoch").asLong() <= newEpoch
                                && leader(next) && !leader(old);
                    });
            for (String host : List.of("x1", "x2")) {
                assertThat(member(old, host).path("state").asText()).as("the old instance's view of " + host)
                        .isEqualTo(member(next, host).path("state").asText());
            }
        }
    }

    private static boolean leader(ServiceProcess s) {
        JsonNode d = detector(s);
        return d != null && d.path("leader").asBoolean();
    }

    private static JsonNode detector(ServiceProcess s) {
        return Rest.get(s.url() + "/v1/detector").body();
    }

    private static String state(ServiceProcess s, String host) {
        return Rest.state(s.url(), "compute", host);
    }

    private static JsonNode member(ServiceProcess s, String host) {
        return Rest.get(s.url() + "/v1/groups/compute/members/" + host).body();
    }
}
