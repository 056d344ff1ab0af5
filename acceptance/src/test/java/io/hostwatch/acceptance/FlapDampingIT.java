package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.LoopbackBlackhole;
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
 * A host that keeps dying and coming back: its third loss within the flap window is held
 * non-actionable, with the flap count in the evidence. The host stops answering through an
 * nftables blackhole of its loopback address (root only).
 */
@Timeout(240)
class FlapDampingIT {
    @TempDir
    Path storage;

    @Test
    void thirdLossWithinTheWindowIsHeldNonActionable() throws Exception {
        Privileges.requireRootWith("nft");
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "1s",
                     "flap.threshold", "3", "flap.window", "10m", "flap.holdDown", "10m"));
             LoopbackBlackhole hole = new LoopbackBlackhole()) {
            hole.drop("127.0.0.51");
            for (int round = 1; round <= 3; round++) {
                AgentProcess a = c.agents("compute", List.of("flap1"), List.of("127.0.0.51")).get(0);
                a.kill9();
                await("DEAD round " + round).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                        .until(() -> "DEAD".equals(c.state("compute", "flap1"))
                                && !c.member("compute", "flap1").path("holds").toString().contains("SETTLING"));
                JsonNode v = c.member("compute", "flap1");
                if (round < 3) {
                    assertThat(v.path("actionable").asBoolean()).as("round " + round).isTrue();
                } else {
                    assertThat(v.path("actionable").asBoolean()).as("third loss").isFalse();
                    assertThat(v.path("holds").toString()).contains("FLAPPING");
                    assertThat(v.path("evidence").path("flaps").asInt()).isEqualTo(3);
                }
                a.close();
            }
        }
    }
}
