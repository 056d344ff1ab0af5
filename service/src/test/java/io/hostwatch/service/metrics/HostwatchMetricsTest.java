package io.hostwatch.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hostwatch families as Prometheus scrapes them: names, labels and values. */
@Timeout(30)
class HostwatchMetricsTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HostwatchMetrics metrics = HostwatchMetrics.in(registry);

    static Verdict verdict(String group, String host, State state) {
        Instant now = Instant.parse("2026-11-30T03:00:00Z");
        return new Verdict(group, host, "192.0.2.10", state, "test " + state, now, state == State.DEAD, null,
                "inc-1", 1, null, now);
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void transitionsAreCountedPerGroupFromAndTo() throws Exception {
        metrics.verdictPublished(null, verdict("compute", "h1", State.RUNNING), null);
        metrics.verdictPublished(verdict("compute", "h1", State.RUNNING), verdict("compute", "h1", State.SUSPECT),
                Duration.ofMillis(5));
        metrics.verdictPublished(verdict("compute", "h1", State.SUSPECT), verdict("compute", "h1", State.DEAD),
                Duration.ofMillis(1200));
        metrics.verdictPublished(verdict("compute", "h2", State.SUSPECT), verdict("compute", "h2", State.DEAD),
                Duration.ofMillis(800));
        // A republish of the same state (evidence refreshed) is no transition.
        metrics.verdictPublished(verdict("compute", "h2", State.DEAD), verdict("compute", "h2", State.DEAD), null);

        String text = scrape();
        assertThat(text).contains("hostwatch_verdict_transitions_total{from=\"none\",group=\"compute\",to=\"RUNNING\"} 1.0")
                .contains("hostwatch_verdict_transitions_total{from=\"RUNNING\",group=\"compute\",to=\"SUSPECT\"} 1.0")
                .contains("hostwatch_verdict_transitions_total{from=\"SUSPECT\",group=\"compute\",to=\"DEAD\"} 2.0")
                .doesNotContain("from=\"DEAD\"")
                .doesNotContain("host=");
    }

    @Test
    void detectionLatencyIsObservedOnceForTheFinalVerdictAfterALoss() throws Exception {
        metrics.verdictPublished(verdict("compute", "h1", State.RUNNING), verdict("compute", "h1", State.SUSPECT),
                Duration.ofMillis(5));
        metrics.verdictPublished(verdict("compute", "h1", State.SUSPECT),
                verdict("compute", "h1", State.SERVICE_UNREACHABLE), Duration.ofMillis(600));
        // A later recheck changing the verdict is not a detection.
        metrics.verdictPublished(verdict("compute", "h1", State.SERVICE_UNREACHABLE),
                verdict("compute", "h1", State.DEAD), Duration.ofSeconds(20));

        String text = scrape();
        assertThat(text)
                .contains("hostwatch_detection_latency_seconds_count{group=\"compute\",state=\"SERVICE_UNREACHABLE\"} 1")
                .contains("hostwatch_detection_latency_seconds_bucket{group=\"compute\",state=\"SERVICE_UNREACHABLE\",le=\"0.75\"} 1")
                .contains("hostwatch_detection_latency_seconds_bucket{group=\"compute\",state=\"SERVICE_UNREACHABLE\",le=\"0.5\"} 0")
                .doesNotContain("state=\"SUSPECT\"")
                .doesNotContain("hostwatch_detection_latency_seconds_count{group=\"compute\",state=\"DEAD\"}");
    }

    @Test
    void probeDurationsByProbeAndResult() throws Exception {
        metrics.probed("ping", "OK", Duration.ofMillis(2));
        metrics.probed("ping", "FAIL", Duration.ofMillis(1000));
        metrics.probed("storage", "ok", Duration.ofMillis(3));
        metrics.probed("storage", "missing", Duration.ofMillis(300));
        String text = scrape();
        assertThat(text).contains("hostwatch_probe_duration_seconds_count{probe=\"ping\",result=\"ok\"} 1")
                .contains("hostwatch_probe_duration_seconds_count{probe=\"ping\",result=\"fail\"} 1")
                .contains("hostwatch_probe_duration_seconds_bucket{probe=\"ping\",result=\"ok\",le=\"0.005\"} 1")
                .contains("hostwatch_probe_duration_seconds_bucket{probe=\"storage\",result=\"ok\",le=\"0.005\"} 1")
                .contains("hostwatch_probe_duration_seconds_bucket{probe=\"storage\",result=\"missing\",le=\"0.25\"} 0")
                .contains("hostwatch_probe_duration_seconds_count{probe=\"storage\",result=\"missing\"} 1");
    }

    @Test
    void fencingAttemptsByMethodAndOutcomeFromZeroWithoutAHostLabel() throws Exception {
        assertThat(scrape())
                .contains("hostwatch_fencing_actions_total{method=\"ipmi-lanplus\",outcome=\"failed\"} 0.0")
                .contains("hostwatch_fencing_actions_total{method=\"redfish\",outcome=\"confirmed\"} 0.0");
        metrics.fencingAttempted("ipmi-lanplus", "confirmed", Duration.ofMillis(1800));
        metrics.fencingAttempted("ipmi-lanplus", "failed", Duration.ofSeconds(10));
        metrics.fencingAttempted("ipmi-lanplus", "failed", Duration.ofSeconds(10));
        metrics.fencingAttempted("redfish", "already_off", Duration.ofMillis(200));
        String text = scrape();
        assertThat(text)
                .contains("hostwatch_fencing_actions_total{method=\"ipmi-lanplus\",outcome=\"confirmed\"} 1.0")
                .contains("hostwatch_fencing_actions_total{method=\"ipmi-lanplus\",outcome=\"failed\"} 2.0")
                .contains("hostwatch_fencing_actions_total{method=\"redfish\",outcome=\"already_off\"} 1.0")
                .contains("hostwatch_fencing_actions_total{method=\"ipmi-lanplus\",outcome=\"already_off\"} 0.0")
                .contains("hostwatch_fencing_duration_seconds_count{method=\"ipmi-lanplus\",outcome=\"failed\"} "
                        + "2")
                .contains("hostwatch_fencing_duration_seconds_bucket{method=\"ipmi-lanplus\",outcome=\"confirmed\","
                        + "le=\"2.0\"} 1")
                .contains("hostwatch_fencing_duration_seconds_bucket{method=\"ipmi-lanplus\",outcome=\"confirmed\","
                        + "le=\"1.0\"} 0")
                .doesNotContain("host=");
    }

    @Test
    void gaugesComeFromTheCacheAndSuppliersAtScrapeTime() throws Exception {
        Map<MemberId, Verdict> verdicts = Map.of(
                new MemberId("compute", "h1"), verdict("compute", "h1", State.RUNNING),
                new MemberId("compute", "h2"), verdict("compute", "h2", State.RUNNING),
                new MemberId("compute", "h3"), verdict("compute", "h3", State.DEAD),
                new MemberId("storage", "s1"), verdict("storage", "s1", State.ISOLATED));
        Map<String, BrakeRecord> brakes = Map.of("compute", new BrakeRecord("compute", true,
                Instant.parse("2026-11-30T03:00:00Z"), 2, 3, "2 of 3 lost", null));
        AtomicBoolean leader = new AtomicBoolean(true);
        ClusterGauges.register(registry, new ClusterGauges.Sources(() -> verdicts, () -> brakes, leader::get,
                () -> 7, () -> true, "1.2.3"));

        String text = scrape();
        assertThat(text).contains("hostwatch_members{group=\"compute\",state=\"RUNNING\"} 2.0")
                .contains("hostwatch_members{group=\"compute\",state=\"DEAD\"} 1.0")
                .contains("hostwatch_members{group=\"compute\",state=\"ISOLATED\"} 0.0")
                .contains("hostwatch_members{group=\"storage\",state=\"ISOLATED\"} 1.0")
                .contains("hostwatch_brake_engaged{group=\"compute\"} 1.0")
                .contains("hostwatch_brake_engaged{group=\"storage\"} 0.0")
                .contains("hostwatch_leader 1.0")
                .contains("hostwatch_leader_epoch 7.0")
                .contains("hostwatch_zookeeper_connected 1.0")
                .contains("hostwatch_build_info{version=\"1.2.3\"} 1.0");

        leader.set(false);
        assertThat(scrape()).contains("hostwatch_leader 0.0");
    }

    @Test
    void novaActionsAreReadFromTheNotifiersCountersOnly() throws Exception {
        MetricRegistry dropwizard = new MetricRegistry();
        dropwizard.counter(NovaActionCounters.counterName("FORCE_DOWN", "DONE")).inc(2);
        dropwizard.counter(NovaActionCounters.counterName("FORCE_UP", "FAILED")).inc();
        dropwizard.counter(NovaActionCounters.counterName("FORCE_DOWN", "PENDING")).inc(3);
        dropwizard.counter("hostwatch.nova.attempts").inc(9);
        NovaActionCounters.register(registry, dropwizard);

        String text = scrape();
        assertThat(text).contains("hostwatch_nova_actions_total{action=\"force_down\",outcome=\"done\"} 2.0")
                .contains("hostwatch_nova_actions_total{action=\"force_up\",outcome=\"failed\"} 1.0")
                .contains("hostwatch_nova_actions_total{action=\"force_down\",outcome=\"retry\"} 3.0")
                .contains("hostwatch_nova_actions_total{action=\"force_up\",outcome=\"done\"} 0.0")
                .doesNotContain("attempts");
    }
}
