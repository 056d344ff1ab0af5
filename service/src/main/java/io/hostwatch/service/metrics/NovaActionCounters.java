package io.hostwatch.service.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.Map;

/**
 * {@code hostwatch_nova_actions_total{action,outcome}}, read at scrape time from the Dropwizard
 * counters the Nova notifier keeps per action and outcome
 * ({@code hostwatch.nova.actions.<KIND>.<STATUS>}, e.g. {@code hostwatch.nova.actions.FORCE_DOWN.DONE}).
 * Only those counters are exposed: Dropwizard's registry is not bridged as a whole.
 */
public final class NovaActionCounters {
    /** The Dropwizard counter name prefix the Nova notifier increments. */
    public static final String PREFIX = "hostwatch.nova.actions.";

    private NovaActionCounters() {
    }

    /** Name of the Dropwizard counter for one action kind and outcome. */
    public static String counterName(String kind, String status) {
        return PREFIX + kind + "." + status;
    }

    public static void register(PrometheusRegistry registry, MetricRegistry dropwizard) {
        CounterWithCallback.builder()
                .name("hostwatch_nova_actions")
                .help("Nova actions and Masakari steps finished by this instance (action=force_down|force_up|"
                        + "masakari_notify|masakari_clear, outcome=done|failed|retry|accepted|ignored|rejected|...)")
                .labelNames("action", "outcome")
                .callback(cb -> {
                    for (Map.Entry<String, Counter> e : dropwizard.getCounters((name, m) -> name.startsWith(PREFIX))
                            .entrySet()) {
                        String[] parts = e.getKey().substring(PREFIX.length()).split("\\.");
                        if (parts.length == 2) {
                            cb.call(e.getValue().getCount(), parts[0].toLowerCase(Locale.ROOT),
                                    outcome(parts[1]));
                        }
                    }
                })
                .register(registry);
    }

    private static String outcome(String status) {
        return switch (status) {
            case "PENDING" -> "retry";
            default -> status.toLowerCase(Locale.ROOT);
        };
    }
}
