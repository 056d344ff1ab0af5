package io.hostwatch.service.metrics;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gauges computed at scrape time from state this instance already holds: members per group and
 * state and engaged brakes from the read-side cache, leadership, epoch and the ZooKeeper connection
 * from suppliers. Every instance reports them (a follower's cache shows the leader's verdicts), so
 * alert on {@code max by (group, state)}.
 *
 * <p>Every state of every known group is reported, zeros included, so that an alert such as
 * {@code hostwatch_members{state="DEAD"} > 0} has a series to compare before the first failure.
 */
public final class ClusterGauges {
    private ClusterGauges() {
    }

    /** The sources of the gauges. */
    public record Sources(Supplier<Map<MemberId, Verdict>> verdicts, Supplier<Map<String, BrakeRecord>> brakes,
                          BooleanSupplier leader, LongSupplier epoch, BooleanSupplier zooKeeperConnected,
                          String version) {
    }

    /** Registers the gauges in {@code registry}. */
    public static void register(PrometheusRegistry registry, Sources s) {
        GaugeWithCallback.builder()
                .name("hostwatch_members")
                .help("Members per group by the state of their published verdict")
                .labelNames("group", "state")
                .callback(cb -> members(s.verdicts().get()).forEach((group, counts) ->
                        counts.forEach((state, n) -> cb.call(n, group, state.name()))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("hostwatch_brake_engaged")
                .help("1 while the group's mass-failure brake is engaged (verdicts held non-actionable), else 0")
                .labelNames("group")
                .callback(cb -> brakes(s.verdicts().get(), s.brakes().get())
                        .forEach((group, engaged) -> cb.call(engaged ? 1 : 0, group)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("hostwatch_leader")
                .help("1 while this instance is the detector leader, else 0")
                .callback(cb -> cb.call(s.leader().getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("hostwatch_leader_epoch")
                .help("The detector leadership term (epoch) this instance knows")
                .callback(cb -> cb.call(s.epoch().getAsLong()))
                .register(registry);
        GaugeWithCallback.builder()
                .name("hostwatch_zookeeper_connected")
                .help("1 while this instance's ZooKeeper connection is up, else 0")
                .callback(cb -> cb.call(s.zooKeeperConnected().getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("hostwatch_build_info")
                .help("The running hostwatch version; always 1")
                .labelNames("version")
                .callback(cb -> cb.call(1, s.version()))
                .register(registry);
    }

    /** Group → state → count, every state present. Pure: tested directly. */
    static Map<String, Map<State, Integer>> members(Map<MemberId, Verdict> verdicts) {
        Map<String, Map<State, Integer>> out = new TreeMap<>();
        for (Map.Entry<MemberId, Verdict> e : verdicts.entrySet()) {
            out.computeIfAbsent(e.getKey().group(), g -> zeros()).merge(e.getValue().state(), 1, Integer::sum);
        }
        return out;
    }

    /** Group → engaged, for every group with members or a brake record. */
    static Map<String, Boolean> brakes(Map<MemberId, Verdict> verdicts, Map<String, BrakeRecord> records) {
        Map<String, Boolean> out = new TreeMap<>();
        verdicts.keySet().forEach(id -> out.put(id.group(), false));
        records.forEach((group, b) -> out.put(group, b.engaged()));
        return out;
    }

    private static Map<State, Integer> zeros() {
        Map<State, Integer> m = new EnumMap<>(State.class);
        for (State s : State.values()) {
            m.put(s, 0);
        }
        return m;
    }
}
