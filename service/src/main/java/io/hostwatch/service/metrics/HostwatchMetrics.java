package io.hostwatch.service.metrics;

import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Locale;

/**
 * The hostwatch event metrics: verdict transitions and detection latency (fed by the detector's
 * publish listener, so only the leader counts them), and probe durations (fed by the probes).
 * Gauges derived from state live in {@link ClusterGauges}.
 *
 * <p>All methods are cheap and never throw into the caller: they run on the detector's and the
 * probes' threads.
 */
public final class HostwatchMetrics {
    /** Detection latency buckets: from a fast LAN verdict to a slow, loaded detector. */
    static final double[] LATENCY_BUCKETS = {0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30};
    static final double[] PROBE_BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5};
    /** One fencing attempt: a status read (already off) to a slow BMC's power-off and confirmation. */
    static final double[] FENCING_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120};
    /** The BMC methods and the attempt outcomes, reported from zero so that increase() has a start. */
    static final java.util.List<String> FENCING_METHODS = java.util.List.of("ipmi-lanplus", "redfish");
    static final java.util.List<String> FENCING_OUTCOMES = java.util.List.of("confirmed", "already_off", "failed");

    private final PrometheusRegistry registry;
    private final Counter transitions;
    private final Histogram detectionLatency;
    private final Histogram probeDuration;
    private final Map<String, Map<String, DistributionDataPoint>> probePoints = new ConcurrentHashMap<>();
    private final Counter fencingActions;
    private final Histogram fencingDuration;

    private HostwatchMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.transitions = Counter.builder()
                .name("hostwatch_verdict_transitions")
                .help("Verdict transitions published by this instance while it led; from=none for a member's first")
                .labelNames("group", "from", "to")
                .register(registry);
        this.detectionLatency = Histogram.builder()
                .name("hostwatch_detection_latency_seconds")
                .help("From this leader seeing a heartbeat znode deleted to the member's final verdict published")
                .labelNames("group", "state")
                .classicUpperBounds(LATENCY_BUCKETS)
                .classicOnly()
                .register(registry);
        this.probeDuration = Histogram.builder()
                .name("hostwatch_probe_duration_seconds")
                .help("Duration of one probe of a member by its result: probe=ping (ok, fail, unknown) or probe=storage, "
                        + "one read of its slot (ok, corrupt, missing, refused, error)")
                .labelNames("probe", "result")
                .classicUpperBounds(PROBE_BUCKETS)
                .classicOnly()
                .register(registry);
        this.fencingActions = Counter.builder()
                .name("hostwatch_fencing_actions")
                .help("Out-of-band fencing runs against a BMC started by this instance as leader, by method and "
                        + "outcome (confirmed: powered off and confirmed; already_off: the BMC reported the power "
                        + "off, nothing sent; failed: no answer, refused or not confirmed, retried)")
                .labelNames("method", "outcome")
                .register(registry);
        this.fencingDuration = Histogram.builder()
                .name("hostwatch_fencing_duration_seconds")
                .help("Duration of one fencing run against a BMC (power state, power-off, confirmation)")
                .labelNames("method", "outcome")
                .classicUpperBounds(FENCING_BUCKETS)
                .classicOnly()
                .register(registry);
        for (String method : FENCING_METHODS) {
            for (String outcome : FENCING_OUTCOMES) {
                fencingActions.initLabelValues(method, outcome);
            }
        }
    }

    /** Metrics in a registry of their own, with the JVM's metrics beside them. */
    public static HostwatchMetrics create() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        return new HostwatchMetrics(registry);
    }

    /** Metrics in {@code registry} alone (tests). */
    static HostwatchMetrics in(PrometheusRegistry registry) {
        return new HostwatchMetrics(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * One verdict durably published by the leader (the detector's publish listener).
     *
     * @param previous the member's verdict before, or null
     * @param now the verdict published
     * @param sinceHeartbeatLoss heartbeat znode deleted → this publish, or null when not seen
     */
    public void verdictPublished(Verdict previous, Verdict now, Duration sinceHeartbeatLoss) {
        if (now == null) {
            return;
        }
        String group = now.group();
        String from = previous == null ? "none" : name(previous.state());
        String to = name(now.state());
        if (previous == null || previous.state() != now.state()) {
            transitions.labelValues(group, from, to).inc();
        }
        if (sinceHeartbeatLoss != null && isFinalAfterLoss(previous, now)) {
            detectionLatency.labelValues(group, to).observe(seconds(sinceHeartbeatLoss));
        }
    }

    /** One probe: {@code probe} {@code ping} or {@code storage}, {@code result} such as {@code OK} (lower-cased). */
    public void probed(String probe, String result, Duration took) {
        // every storage read comes here (10,000 a second in a large region): the data point is looked
        // up without allocating, once the pair has been seen
        probePoints.computeIfAbsent(probe, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(result, r -> probeDuration.labelValues(probe, r.toLowerCase(Locale.ROOT)))
                .observe(seconds(took));
    }

    /**
     * One fencing attempt ended (the fencer's observer).
     *
     * @param method {@code ipmi-lanplus}, {@code redfish}, or {@code unresolved} when no BMC could be built
     * @param outcome {@code confirmed}, {@code already_off} or {@code failed}
     */
    public void fencingAttempted(String method, String outcome, Duration took) {
        fencingActions.labelValues(method, outcome).inc();
        fencingDuration.labelValues(method, outcome).observe(seconds(took));
    }

    /** The first judged verdict after a loss: SUSPECT (or RUNNING, when judged at once) to a final state. */
    static boolean isFinalAfterLoss(Verdict previous, Verdict now) {
        State to = now.state();
        if (to == State.SUSPECT || to == State.RUNNING || to == State.MAINTENANCE) {
            return false;
        }
        return previous == null || previous.state() == State.SUSPECT || previous.state() == State.RUNNING;
    }

    static String name(State state) {
        return state.name();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
