package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.LoopbackBlackhole;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.TcpProxy;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecordCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member that loses its whole network (its management address, its isolation address and its
 * ZooKeeper path) while its storage keeps working: the agent marks itself ISOLATED, runs its
 * isolation response after fence-after, marks FENCED, and only then does the detector's ISOLATED
 * verdict become actionable. Loopback addresses are blackholed with nftables (root only); the
 * agent's probe of its isolation address is the real one.
 *
 * <p>fence-after is 8 s rather than shorter so that the non-actionable ISOLATED verdict (session
 * timeout 4 s, then a 1 s ping) is reliably seen before FENCED appears.
 */
@Timeout(240)
class IsolationResponseIT {
    private static final String GROUP = "compute";
    private static final String HOST = "iso-fence";
    private static final String ADDRESS = "127.0.0.41";
    private static final String ISOLATION_ADDRESS = "127.0.0.42";

    @TempDir
    Path storage;
    @TempDir
    Path work;

    /** One look at the member: the published verdict, then the slot as the agent wrote it. */
    private record Sample(String state, boolean actionable, Set<String> verdictFlags, Set<StorageFlag> slotFlags,
                          boolean responseRan) {
    }

    @BeforeEach
    void needRoot() {
        Privileges.requireRootWith("nft");
    }

    private Sample sample(Cluster c, Path marker) throws Exception {
        JsonNode v = c.member(GROUP, HOST);
        Set<String> verdictFlags = new TreeSet<>();
        if (v != null) {
            v.path("evidence").path("storage").path("flags").forEach(f -> verdictFlags.add(f.asText()));
        }
        Path slot = StorageRecordCodec.slot(storage, MemberId.of(GROUP, HOST));
        Set<StorageFlag> slotFlags = StorageRecordCodec.decode(Files.readAllBytes(slot)).flags();
        return new Sample(v == null ? null : v.path("state").asText(null), v != null && v.path("actionable").asBoolean(),
                verdictFlags, slotFlags, Files.exists(marker));
    }

    @Test
    void isolatedHostBecomesActionableOnlyAfterItFencedItselfAndRunsAgainWhenHealed() throws Exception {
        Path marker = work.resolve("fenced");
        List<Sample> seen = new CopyOnWriteArrayList<>();
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "2s"));
             TcpProxy proxy = new TcpProxy(zk.getPort());
             AgentProcess a = AgentProcess.start(proxy.connectString(), GROUP, HOST, ADDRESS, storage, Cluster.SESSION,
                     "--isolation-address", ISOLATION_ADDRESS, "--fence-after", "20s",
                     "--isolation-response", "touch '" + marker + "'");
             LoopbackBlackhole hole = new LoopbackBlackhole()) {
            await("RUNNING").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "RUNNING".equals(c.state(GROUP, HOST)));
            assertThat(c.member(GROUP, HOST).path("actionable").asBoolean()).isFalse();

            hole.drop(ADDRESS);
            hole.drop(ISOLATION_ADDRESS);
            proxy.cut();

            await("ISOLATED, not actionable, flag ISOLATED").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        Sample s = sample(c, marker);
                        seen.add(s);
                        return "ISOLATED".equals(s.state()) && s.verdictFlags().contains("ISOLATED");
                    });
            Sample isolated = seen.get(seen.size() - 1);
            assertThat(isolated.actionable()).as("ISOLATED before FENCED is not actionable").isFalse();
            assertThat(isolated.slotFlags()).contains(StorageFlag.ISOLATED).doesNotContain(StorageFlag.FENCED);
            assertThat(isolated.responseRan()).isFalse();

            await("ISOLATED and actionable").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Sample s = sample(c, marker);
                        seen.add(s);
                        return "ISOLATED".equals(s.state()) && s.actionable();
                    });
            assertThat(marker).as("the isolation response ran").exists();
            JsonNode v = c.member(GROUP, HOST);
            assertThat(v.path("evidence").path("storage").path("status").asText()).isEqualTo("FRESH");
            assertThat(v.path("evidence").path("ping").path("status").asText()).isEqualTo("FAIL");
            assertThat(v.path("evidence").path("storage").path("flags").toString()).contains("ISOLATED", "FENCED");
            assertThat(v.path("safeToRecoverAt").isMissingNode() || v.path("safeToRecoverAt").isNull()).isFalse();
            assertThat(a.isAlive()).isTrue();

            for (Sample s : seen) {
                assertThat(s.state()).as("never DEAD: the host is alive on storage").isNotEqualTo("DEAD");
                if (s.actionable()) {
                    assertThat(s.slotFlags()).as("actionable only after FENCED: " + s).contains(StorageFlag.FENCED);
                    assertThat(s.responseRan()).as("actionable only after the response ran: " + s).isTrue();
                }
            }
            assertThat(seen).as("the verdict was non-actionable ISOLATED for a while first")
                    .anyMatch(s -> "ISOLATED".equals(s.state()) && !s.actionable());

            // Heal: the network and the ZooKeeper path come back.
            hole.close();
            proxy.restore();
            await("RUNNING again, flags cleared").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        Sample s = sample(c, marker);
                        return "RUNNING".equals(s.state()) && s.slotFlags().isEmpty();
                    });
            assertThat(c.member(GROUP, HOST).path("actionable").asBoolean()).isFalse();
            System.out.printf("isolation samples: %d, first actionable after %d non-actionable ISOLATED samples%n",
                    seen.size(), seen.stream().takeWhile(s -> !s.actionable())
                            .filter(s -> "ISOLATED".equals(s.state())).count());
        }
    }

    @Test
    void withoutAnIsolationResponseTheIsolatedHostIsNeverActionable() throws Exception {
        Path marker = work.resolve("never");
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "2s"));
             TcpProxy proxy = new TcpProxy(zk.getPort());
             AgentProcess a = AgentProcess.start(proxy.connectString(), GROUP, HOST, ADDRESS, storage, Cluster.SESSION,
                     "--isolation-address", ISOLATION_ADDRESS, "--fence-after", "2s");
             LoopbackBlackhole hole = new LoopbackBlackhole()) {
            await("RUNNING").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "RUNNING".equals(c.state(GROUP, HOST)));
            hole.drop(ADDRESS);
            hole.drop(ISOLATION_ADDRESS);
            proxy.cut();
            await("ISOLATED").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> "ISOLATED".equals(c.state(GROUP, HOST)));
            await("stays ISOLATED, never FENCED nor actionable").during(Duration.ofSeconds(8))
                    .atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200)).until(() -> {
                        Sample s = sample(c, marker);
                        return "ISOLATED".equals(s.state()) && !s.actionable()
                                && s.slotFlags().equals(Set.of(StorageFlag.ISOLATED));
                    });
            assertThat(a.isAlive()).isTrue();
        }
    }
}
