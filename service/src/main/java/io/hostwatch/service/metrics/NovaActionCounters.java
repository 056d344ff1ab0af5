package io.hostwatch.service.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.hostwatch.schema.NovaAction;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
                .callback(cb -> counts(dropwizard).forEach((labels, n) -> cb.call(n, labels.get(0), labels.get(1))))
                .register(registry);
    }

    /** (action, outcome) → count; every action and outcome present, zeros included, so increase() has a start. */
    static Map<List<String>, Long> counts(MetricRegistry dropwizard) {
        Map<List<String>, Long> out = new TreeMap<>(Comparator.comparing((List<String> l) -> l.get(0))
                .thenComparing(l -> l.get(1)));
        for (NovaAction.Kind kind : NovaAction.Kind.values()) {
            for (NovaAction.Status status : NovaAction.Status.values()) {
                out.put(List.of(kind.name().toLowerCase(Locale.ROOT), outcome(status.name())), 0L);
            }
        }
        for (Map.Entry<String, Counter> e : dropwizard.getCounters((name, m) -> name.startsWith(PREFIX)).entrySet()) {
            String[] parts = e.getKey().substring(PREFIX.length()).split("\\.");
            if (parts.length == 2) {
                out.put(List.of(parts[0].toLowerCase(Locale.ROOT), outcome(parts[1])), e.getValue().getCount());
            }
        }
        return out;
    }

    private static String outcome(String status) {
        return switch (status) {
            case "PENDING" -> "retry";
            default -> status.toLowerCase(Locale.ROOT);
        };
    }
}
