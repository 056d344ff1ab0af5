package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.service.testing.FreePorts;
import io.hostwatch.service.testing.Hold;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ZooKeeper itself failing: a quorum loss and single-server failovers never produce a wrong verdict. */
@Timeout(240)
class ZooKeeperFaultsIT {
    private static final List<String> HOSTS = List.of("z1", "z2", "z3");
    /**
     * Session timeout of this suite: a ZooKeeper leader election must finish within it for a
     * single-server loss to go unnoticed, and on a busy two-core machine it can take several seconds.
     */
    private static final String SESSION = "8s";

    @TempDir
    Path storage;

    private static TestingCluster ensemble() throws Exception {
        Protection.secureServers();
        System.setProperty("zookeeper.admin.enableServer", "false");
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(null, FreePorts.next(), FreePorts.next(), FreePorts.next(), true, id,
                    ZooKeeperServers.TICK_MILLIS, -1));
        }
        TestingCluster cluster = new TestingCluster(specs);
        cluster.start();
        return cluster;
    }

    @Test
    void quorumLossLongerThanTheSessionTimeoutGivesNoDeadAndEveryoneComesBack() throws Exception {
        try (TestingCluster zk = ensemble();
             Cluster c = new Cluster(zk.getConnectString(), storage, SESSION, Map.of("detection.recheckInterval", "1s"))) {
            List<AgentProcess> agents = c.agents("compute", HOSTS, List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"));
            Set<String> seen = ConcurrentHashMap.newKeySet();
            List<InstanceSpec> specs = new ArrayList<>(zk.getInstances());
            zk.killServer(specs.get(0));
            zk.killServer(specs.get(1));
            // No quorum for 18 s (more than twice the session timeout).
            await().during(Duration.ofSeconds(18)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> record(c, seen));
            zk.restartServer(specs.get(0));
            zk.restartServer(specs.get(1));
            // The agents gave their sessions up during the outage. Each creates its heartbeat again once
            // the restored ensemble has expired the old session, about a session timeout after the
            // quorum is back, which is also about when the new leader's grace ends: if the old znode
            // goes just after the grace, the member is SUSPECT for the moment until its new znode
            // arrives (recorded in 'seen', which must hold no DEAD and nothing actionable).
            await("every heartbeat created again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> record(c, seen) && agents.stream().allMatch(a -> a.output().contains("created again (session")));
            await("all RUNNING again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> record(c, seen) && HOSTS.stream().allMatch(h -> "RUNNING".equals(c.state("compute", h))));
            // And stay so through the new leader's rechecks.
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(23)).pollInterval(Duration.ofMillis(250))
                    .until(Hold.of("all RUNNING", () -> {
                        record(c, seen);
                        List<String> states = HOSTS.stream().map(h -> c.state("compute", h)).toList();
                        return states.contains(null) ? null : states.stream().allMatch("RUNNING"::equals);
                    }));
            assertThat(seen).as("verdicts seen").noneMatch(s -> s.startsWith("DEAD") || s.endsWith("actionable"));
        }
    }

    @Test
    void losingTheDetectorsServerChangesNoVerdict() throws Exception {
        try (TestingCluster zk = ensemble();
             Cluster c = new Cluster(zk.getConnectString(), storage, SESSION, Map.of("detection.recheckInterval", "1s"))) {
            c.agents("compute", HOSTS, List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"));
            Map<String, String> before = verdicts(c);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            InstanceSpec used = connectedServer(c, new ArrayList<>(zk.getInstances()));
            String role = String.valueOf(mode(used));
            zk.killServer(used);
            if (role.contains("follower")) {
                // The detector fails over to another server; the ensemble keeps its leader: nothing changes.
                await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(23))
                        .pollInterval(Duration.ofMillis(250)).until(Hold.of("verdicts unchanged", () -> {
                            Map<String, String> now = verdicts(c);
                            return now.isEmpty() ? null : now.equals(before);
                        }));
            } else {
                // The detector's server was the ensemble leader: an election follows. Whatever it costs,
                // no wrong verdict may appear, and everyone is RUNNING again afterwards.
                await("all RUNNING after the election").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250)).until(() -> record(c, seen)
                                && HOSTS.stream().allMatch(h -> "RUNNING".equals(c.state("compute", h))));
                assertThat(seen).noneMatch(st -> st.startsWith("DEAD") || st.endsWith("actionable"));
            }
            System.out.printf("killed the detector's ZooKeeper server (%s)%n", role);
            zk.restartServer(used);
        }
    }

    /** The server the service's ZooKeeper client is connected to, read from its log. */
    private static InstanceSpec connectedServer(Cluster c, List<InstanceSpec> candidates) {
        String log = c.service().output();
        int at = log.lastIndexOf("Socket connection established");
        assertThat(at).as("service log shows its ZooKeeper connection").isNotNegative();
        String line = log.substring(at, log.indexOf('\n', at));
        for (InstanceSpec spec : candidates) {
            if (line.contains(":" + spec.getPort())) {
                return spec;
            }
        }
        throw new AssertionError("cannot tell which server the service uses: " + line);
    }

    /** The server's mode from the {@code srvr} four-letter command, or null while it is not serving. */
    private static String mode(InstanceSpec spec) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", spec.getPort())) {
            s.getOutputStream().write("srvr".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String out = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            for (String l : out.split("\n")) {
                if (l.startsWith("Mode:")) {
                    return l;
                }
            }
            return null; // "not currently serving requests"
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Records every state seen; returns true so it can drive an await. */
    private static boolean record(Cluster c, Set<String> seen) {
        JsonNode members = Rest.get(c.url() + "/v1/groups/compute/members").body();
        if (members != null) {
            for (JsonNode m : members.path("members")) {
                seen.add(m.path("state").asText() + (m.path("actionable").asBoolean() ? " actionable" : ""));
            }
        }
        return true;
    }

    /** Each member's state and since: a verdict change would change one of them. */
    private static Map<String, String> verdicts(Cluster c) {
        Map<String, String> out = new TreeMap<>();
        JsonNode members = Rest.get(c.url() + "/v1/groups/compute/members").body();
        if (members != null) {
            for (JsonNode m : members.path("members")) {
                out.put(m.path("host").asText(), m.path("state").asText() + "@" + m.path("since").asText());
            }
        }
        return out;
    }
}
