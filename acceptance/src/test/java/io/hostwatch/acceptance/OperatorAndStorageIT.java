package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

/** Maintenance and a hung storage read, on loopback with real processes. */
@Timeout(300)
class OperatorAndStorageIT {
    @TempDir
    static Path storage;
    static TestingServer zk;
    static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        zk = ZooKeeperServers.start();
        cluster = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static Rest.Reply put(String path, String body) {
        return Rest.call(HttpRequest.newBuilder(URI.create(cluster.url() + path))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static Rest.Reply delete(String path) {
        return Rest.call(HttpRequest.newBuilder(URI.create(cluster.url() + path)).DELETE().build());
    }

    @Test
    void maintenanceOnFaultOffShowsTheTrueVerdictAfter() {
        AgentProcess a = cluster.agents("compute", List.of("maint1"), List.of("127.0.0.1")).get(0);
        Rest.Reply on = put("/v1/groups/compute/members/maint1/maintenance", "{\"reason\":\"kernel upgrade\",\"for\":\"2h\"}");
        assertThat(on.status()).as(on.raw()).isEqualTo(200);
        assertThat(on.body().path("expiresAt").asText()).isNotBlank();
        await().atMost(Duration.ofSeconds(10)).until(() -> "MAINTENANCE".equals(cluster.state("compute", "maint1")));

        a.kill9();
        // The fault is observed (evidence) but the verdict stays MAINTENANCE, never actionable.
        await("evidence of the fault").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode v = cluster.member("compute", "maint1");
            return "LOST".equals(v.path("evidence").path("heartbeat").path("status").asText())
                    && v.path("evidence").has("ping");
        });
        JsonNode during = cluster.member("compute", "maint1");
        assertThat(during.path("state").asText()).isEqualTo("MAINTENANCE");
        assertThat(during.path("actionable").asBoolean()).isFalse();

        assertThat(delete("/v1/groups/compute/members/maint1/maintenance").status()).isEqualTo(204);
        await("true verdict after").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                "SERVICE_UNREACHABLE".equals(cluster.state("compute", "maint1")));
        assertThat(delete("/v1/groups/compute/members/maint1/maintenance").status()).isEqualTo(404);
    }

    @Test
    void maintenanceExpiresByItself() {
        cluster.agents("compute", List.of("maint2"), List.of("127.0.0.1"));
        // Long enough to be seen on a loaded machine before it expires.
        assertThat(put("/v1/groups/compute/members/maint2/maintenance", "{\"for\":\"15s\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(12)).until(() -> "MAINTENANCE".equals(cluster.state("compute", "maint2")));
        await("expired").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
                "RUNNING".equals(cluster.state("compute", "maint2")));
    }

    @Test
    void badMaintenanceRequestsChangeNothing() {
        cluster.agents("compute", List.of("maint3"), List.of("127.0.0.1"));
        String base = "/v1/groups/compute/members/";
        assertThat(put(base + "nosuchhost/maintenance", "{}").status()).isEqualTo(404);
        assertThat(put(base + "Bad_Name/maintenance", "{}").status()).isEqualTo(400);
        assertThat(put(base + "maint3/maintenance", "{\"for\":\"forever\"}").status()).isEqualTo(400);
        assertThat(put(base + "maint3/maintenance", "{\"expiresAt\":\"2001-01-01T00:00:00Z\"}").status())
                .isEqualTo(400);
        assertThat(put(base + "maint3/maintenance", "{\"reason\":\"" + "x".repeat(2000) + "\"}").status())
                .isEqualTo(400);
        Rest.Reply huge = put(base + "maint3/maintenance", "{\"reason\":\"" + "x".repeat(100_000) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.body().path("code").asInt()).isEqualTo(413);
        assertThat(put(base + "maint3/maintenance", "not json").status()).isBetween(400, 422);
        for (String reason : List.of("two\\nlines", "C1 \\u0085 NEL", "\\u202eeguarsed")) {
            Rest.Reply bad = put(base + "maint3/maintenance", "{\"reason\":\"" + reason + "\"}");
            assertThat(bad.status()).as(reason).isEqualTo(400);
            assertThat(bad.body().path("message").asText()).contains("control or bidirectional formatting");
        }
        assertThat(Rest.get(cluster.url() + base + "maint3/maintenance").status()).isEqualTo(404);
        assertThat(cluster.state("compute", "maint3")).isEqualTo("RUNNING");
        assertThat(Rest.get(cluster.url() + base + "nosuchhost").status()).isEqualTo(404);
    }

    /**
     * A 413 leaves the rest of the body unread, so the server ends the connection: it says so
     * ({@code Connection: close}), and a client that sends its next request right after, on the
     * same client, is not handed the closed connection. Declared and streamed (chunked) bodies.
     */
    @Test
    void aTooLargeBodyClosesItsConnectionAndTheNextRequestWorks() throws Exception {
        cluster.agents("compute", List.of("maint4"), List.of("127.0.0.1"));
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(cluster.url() + "/v1/groups/compute/members/maint4/maintenance");
        byte[] huge = ("{\"reason\":\"" + "x".repeat(100_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < 10; i++) {
            boolean streamed = i % 2 == 1;
            HttpRequest.BodyPublisher body = streamed
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))
                    : HttpRequest.BodyPublishers.ofByteArray(huge);
            HttpResponse<String> tooLarge = client.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").PUT(body).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tooLarge.statusCode()).as("streamed=" + streamed + ": " + tooLarge.body()).isEqualTo(413);
            assertThat(tooLarge.headers().firstValue("connection")).as("streamed=" + streamed).hasValue("close");
            HttpResponse<String> next = client.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").PUT(
                            HttpRequest.BodyPublishers.ofString("not json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(next.statusCode()).as("after streamed=" + streamed).isBetween(400, 422);
        }
        assertThat(cluster.state("compute", "maint4")).isEqualTo("RUNNING");
    }

    @Test
    void aHungStorageReadIsUnknownAndTheServiceKeepsAnswering() throws Exception {
        AgentProcess a = cluster.agents("compute", List.of("hang1"), List.of("127.0.0.1")).get(0);
        a.kill9();
        Path slot = storage.resolve("compute").resolve("hang1.hb");
        Files.delete(slot);
        Process mkfifo = new ProcessBuilder("mkfifo", slot.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        List<String> seen = new CopyOnWriteArrayList<>();
        try {
            await("UNKNOWN").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                String s = cluster.state("compute", "hang1");
                seen.add(String.valueOf(s));
                return "UNKNOWN".equals(s);
            });
            JsonNode v = cluster.member("compute", "hang1");
            assertThat(v.path("evidence").path("storage").path("status").asText()).isEqualTo("UNKNOWN");
            assertThat(v.path("actionable").asBoolean()).isFalse();
            // Several rechecks later (1 s apart) the REST API still answers and no threads pile up:
            // the FIFO is refused without being opened.
            int threadsThen = threads();
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15)).until(() ->
                    Rest.get(cluster.url() + "/v1/groups").status() == 200);
            assertThat(threads()).isLessThanOrEqualTo(threadsThen + 3);
            assertThat(cluster.state("compute", "hang1")).isEqualTo("UNKNOWN");
            assertThat(seen).doesNotContain("DEAD");
        } finally {
            Files.deleteIfExists(slot); // the detector never opens a FIFO slot: nothing to unblock
        }
    }

    /** The service's live threads, from the Prometheus text of the admin port's /metrics. */
    private static int threads() {
        String text = Rest.get(cluster.service().adminUrl() + "/metrics").raw();
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_threads_current ")) {
                return (int) Double.parseDouble(line.substring("jvm_threads_current ".length()).strip());
            }
        }
        throw new AssertionError("no jvm_threads_current in /metrics:\n" + text);
    }
}
