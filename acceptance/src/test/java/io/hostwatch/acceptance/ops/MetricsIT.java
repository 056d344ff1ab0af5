package io.hostwatch.acceptance.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's {@code /metrics} in the Prometheus text format, scraped from a real service
 * after a real fault (an agent killed): the member gauges, transitions, detection latency and
 * probe durations carry the values of what happened; Dropwizard's JSON is at {@code /metrics.json}.
 */
@Timeout(300)
class MetricsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path storage;

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKilledAgentShowsInTheScrapedMetrics() throws Exception {
        try (TestingServer zk = ZooKeeperServers.start();
             Cluster c = new Cluster(zk.getConnectString(), storage, Map.of("detection.recheckInterval", "1s"))) {
            List<AgentProcess> agents = c.agents("compute", List.of("m1", "m2"), List.of("127.0.0.1", "127.0.0.1"));
            String metrics = c.service().adminUrl() + "/metrics";
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                    get(metrics).body().contains("hostwatch_members{group=\"compute\",state=\"RUNNING\"} 2.0"));

            agents.get(0).kill9();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "SERVICE_UNREACHABLE".equals(c.state("compute", "m1")));
            // Counters and histograms are bumped around the publication, some on another thread: scrape
            // until one shows all of it.
            await("a scrape with the loss").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertScrape(get(metrics)));

            assertThat(Rest.json(c.service().adminUrl() + "/metrics.json").path("counters").isObject()).isTrue();
        }
    }

    private static void assertScrape(HttpResponse<String> scrape) {
        String text = scrape.body();
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(text)
                .contains("hostwatch_members{group=\"compute\",state=\"SERVICE_UNREACHABLE\"} 1.0")
                .contains("hostwatch_members{group=\"compute\",state=\"RUNNING\"} 1.0")
                .contains("hostwatch_members{group=\"compute\",state=\"DEAD\"} 0.0")
                .contains("hostwatch_brake_engaged{group=\"compute\"} 0.0")
                .contains("hostwatch_leader 1.0")
                .contains("hostwatch_zookeeper_connected 1.0")
                .containsPattern("hostwatch_leader_epoch [1-9][0-9]*\\.0")
                .containsPattern("hostwatch_build_info\\{version=\"[^\"]+\"} 1\\.0")
                .containsPattern("hostwatch_probe_duration_seconds_count\\{probe=\"ping\",result=\"ok\"} [1-9]")
                .containsPattern("hostwatch_probe_duration_seconds_count\\{probe=\"storage\",result=\"ok\"} [1-9]")
                .contains("hostwatch_nova_actions_total{action=\"force_down\",outcome=\"done\"} 0.0")
                .contains("hostwatch_fencing_actions_total{method=\"ipmi-lanplus\",outcome=\"failed\"} 0.0")
                .contains("jvm_memory_used_bytes")
                .doesNotContain("host=\"m1\"");

        assertThat(text).containsPattern(
                "hostwatch_verdict_transitions_total\\{from=\"none\",group=\"compute\",to=\"RUNNING\"} 2\\.0");
        assertThat(text).containsPattern(
                "hostwatch_verdict_transitions_total\\{from=\"SUSPECT\",group=\"compute\",to=\"SERVICE_UNREACHABLE\"} 1\\.0");
        assertThat(text).containsPattern(
                "hostwatch_detection_latency_seconds_count\\{group=\"compute\",state=\"SERVICE_UNREACHABLE\"} 1\\b");
    }
}
