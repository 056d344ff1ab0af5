package io.hostwatch.service.metrics;

import io.dropwizard.core.setup.AdminEnvironment;
import io.dropwizard.metrics.servlets.MetricsServlet;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Serves the registry in the Prometheus text format at the admin port's {@code /metrics} (an exact
 * mapping, which wins over Dropwizard's admin servlet at {@code /*}), and Dropwizard's JSON metrics
 * at {@code /metrics.json}.
 */
public final class PrometheusEndpoint {
    public static final String PATH = "/metrics";
    public static final String JSON_PATH = "/metrics.json";

    private PrometheusEndpoint() {
    }

    public static void register(AdminEnvironment admin, PrometheusRegistry registry, MetricRegistry dropwizard) {
        admin.addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping(PATH);
        admin.addServlet("metrics-json", new MetricsServlet(dropwizard)).addMapping(JSON_PATH);
    }
}
