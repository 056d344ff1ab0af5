package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.service.testing.Hold;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.TcpProxy;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core path end to end on loopback: a real ZooKeeper, the service jar and agent jars as real
 * processes, shared storage in a real directory.
 */
@Timeout(300)
class CoreIT {
    static final String SESSION = "4s";
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(4);
    /** Generous on purpose: a loaded 2-core machine delays session expiry, rechecks and the REST reply. */
    static final Duration VERDICT_BOUND = SESSION_TIMEOUT.plusSeconds(20);

    @TempDir
    static Path storage;
    static TestingServer zk;
    static ServiceProcess service;

    @BeforeAll
    static void startCluster() throws Exception {
        zk = ZooKeeperServers.start();
        service = ServiceProcess.start("service", zk.getConnectString(), storage, SESSION,
                Map.of("detection.recheckInterval", "2s"));
        await("service up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Rest.get(service.url() + "/v1/detector").body() != null
                        && Rest.get(service.url() + "/v1/detector").body().path("leader").asBoolean());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (service != null) {
            service.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static AgentProcess agent(String host) {
        return agent(zk.getConnectString(), host);
    }

    private static AgentProcess agent(String connect, String host) {
        AgentProcess a = AgentProcess.start(connect, "compute", host, "127.0.0.1", storage, SESSION);
        await(host + " RUNNING").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> "RUNNING".equals(Rest.state(service.url(), "compute", host)));
        return a;
    }

    private static long awaitState(String host, String state, List<String> seen) {
        long start = System.nanoTime();
        await(host + " " + state).atMost(VERDICT_BOUND).pollInterval(Duration.ofMillis(50)).until(() -> {
            String s = Rest.state(service.url(), "compute", host);
            if (s != null && (seen.isEmpty() || !seen.get(seen.size() - 1).equals(s))) {
                seen.add(s);
            }
            return state.equals(s);
        });
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void agentStartsAndShowsRunningWithItsRegistration() {
        try (AgentProcess a = agent("running1")) {
            JsonNode v = Rest.get(service.url() + "/v1/groups/compute/members/running1").body();
            assertThat(v.path("state").asText()).isEqualTo("RUNNING");
            assertThat(v.path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(v.path("incarnation").asText()).isNotBlank();
            assertThat(v.path("actionable").asBoolean()).isFalse();
            JsonNode members = Rest.get(service.url() + "/v1/groups/compute/members").body();
            assertThat(members.path("members").findValuesAsText("host")).contains("running1");
            assertThat(Rest.get(service.url() + "/v1/groups").raw()).contains("\"compute\"");
            assertThat(Files.exists(storage.resolve("compute").resolve("running1.hb"))).isTrue();
        }
    }

    @Test
    void killedAgentIsServiceUnreachableWithEvidence() {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AgentProcess a = agent("crash1")) {
            a.kill9();
            long millis = awaitState("crash1", "SERVICE_UNREACHABLE", seen);
            System.out.printf("kill -9 -> SERVICE_UNREACHABLE in %d ms (session timeout %s)%n", millis, SESSION);
        }
        JsonNode v = Rest.get(service.url() + "/v1/groups/compute/members/crash1").body();
        assertThat(v.path("actionable").asBoolean()).isFalse();
        assertThat(v.path("evidence").path("heartbeat").path("status").asText()).isEqualTo("LOST");
        assertThat(v.path("evidence").path("ping").path("status").asText()).isEqualTo("OK");
        assertThat(v.path("evidence").path("storage").path("status").asText()).isEqualTo("STALE");
        assertThat(v.path("reason").asText()).contains("answers");
        assertThat(v.path("epoch").asLong()).isPositive();
        assertThat(seen).doesNotContain("DEAD", "ISOLATED");
    }

    @Test
    void cutCoordinationPathWhileStorageIsWrittenIsPartitioned() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (TcpProxy proxy = new TcpProxy(zk.getPort()); AgentProcess a = agent(proxy.connectString(), "part1")) {
            proxy.cut();
            long millis = awaitState("part1", "PARTITIONED", seen);
            System.out.printf("ZooKeeper path cut -> PARTITIONED in %d ms%n", millis);
            assertThat(a.isAlive()).isTrue();
            JsonNode v = Rest.get(service.url() + "/v1/groups/compute/members/part1").body();
            assertThat(v.path("evidence").path("storage").path("status").asText()).isEqualTo("FRESH");
            assertThat(v.path("actionable").asBoolean()).isFalse();
        }
        assertThat(seen).doesNotContain("DEAD");
    }

    @Test
    void sigtermIsStoppedNeverDead() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AgentProcess a = agent("stop1");
        try {
            assertThat(a.terminate(20)).as("agent exit code after SIGTERM").isZero();
            awaitState("stop1", "STOPPED", seen);
            // Rechecks must leave it STOPPED.
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(Hold.of("stop1 STOPPED", () -> {
                        String s = Rest.state(service.url(), "compute", "stop1");
                        return s == null ? null : "STOPPED".equals(s);
                    }));
        } finally {
            a.close();
        }
        assertThat(seen).doesNotContain("DEAD", "SERVICE_UNREACHABLE");
    }

    @Test
    void badNamesAre400AndUnknownMembers404() {
        for (String bad : List.of("Bad_name", "-x", "a..b", "a%20b", "a.b", "a".repeat(64))) {
            Rest.Reply r = Rest.get(service.url() + "/v1/groups/compute/members/" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body().path("code").asInt()).isEqualTo(400);
            assertThat(r.body().path("message").asText()).contains("host name");
            Rest.Reply g = Rest.get(service.url() + "/v1/groups/" + bad + "/members");
            assertThat(g.status()).as(bad).isEqualTo(400);
            assertThat(g.body().path("message").asText()).contains("group name");
        }
        // Rejected by the HTTP layer before any resource sees them: still a JSON error.
        for (String bad : List.of("x%00y", "a%2Fb", "%2E%2E")) {
            Rest.Reply r = Rest.get(service.url() + "/v1/groups/compute/members/" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad + " answered " + r.raw()).isNotNull();
            assertThat(r.body().path("code").asInt()).isEqualTo(400);
            assertThat(r.body().path("message").asText()).isNotBlank();
        }
        Rest.Reply unknown = Rest.get(service.url() + "/v1/groups/compute/members/nosuchhost");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("message").asText()).contains("unknown member");
        assertThat(Rest.get(service.url() + "/v1/groups/nosuchgroup/members").status()).isEqualTo(404);
        // Nothing was created from the bad names.
        assertThat(Rest.get(service.url() + "/v1/groups").raw()).doesNotContain("Bad_name", "nosuch");
    }
}
