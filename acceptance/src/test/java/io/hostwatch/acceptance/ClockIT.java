package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Privileges;
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
 * Wall clocks are never judged: members whose clocks are ten minutes off get the usual verdicts.
 * Their clocks are shifted with libfaketime (Debian package {@code faketime}); monotonic clocks are
 * left alone, as with a real clock error. (The detector's own wall clock jumping is proven in the
 * service module's {@code DetectorClockJumpIT}.)
 */
@Timeout(420)
class ClockIT {
    private static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";

    @TempDir
    Path storage;

    @Test
    void membersWithClocksTenMinutesOffGetTheUsualVerdicts() throws Exception {
        Privileges.requireFile(LIBFAKETIME, "faketime");
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "1s"));
             AgentProcess ahead = skewed(zk, "ahead", "+600");
             AgentProcess behind = skewed(zk, "behind", "-600")) {
            // Generous: JVMs under libfaketime start slowly on a loaded machine; the agents keep trying.
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> "RUNNING".equals(c.state("compute", "ahead"))
                    && "RUNNING".equals(c.state("compute", "behind")));
            ahead.kill9();
            behind.terminate(20);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() ->
                    "SERVICE_UNREACHABLE".equals(c.state("compute", "ahead"))
                            && "STOPPED".equals(c.state("compute", "behind")));
            JsonNode v = c.member("compute", "ahead");
            assertThat(v.path("evidence").path("storage").path("status").asText()).isEqualTo("STALE");
        }
    }

    private AgentProcess skewed(TestingServer zk, String host, String offsetSeconds) {
        // env execs java in place (the faketime wrapper would fork, and signals would miss the agent).
        return AgentProcess.startIn(List.of("env", "LD_PRELOAD=" + LIBFAKETIME, "FAKETIME=" + offsetSeconds + "s",
                "FAKETIME_DONT_FAKE_MONOTONIC=1"), zk.getConnectString(), "compute", host, "127.0.0.1", storage,
                Cluster.SESSION);
    }

}
