package io.hostwatch.acceptance.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded random schedule of faults: a pure function of (seed, hosts, duration, session timeout),
 * so a failing seed replays exactly. Faults are drawn from the whole matrix ({@link FaultKind}),
 * overlap in time (up to {@link #MAX_HOST_FAULTS} hosts at once, plus one fault of the coordination
 * layer), heal, and recur; every host fault lasts long enough for its verdict to be published.
 * Everything is bounded: at most {@link #MAX_FAULTS} faults, every fault healed by the end.
 */
public final class Schedule {
    /** Host faults running at once: fewer than the brake's share of six hosts, so verdicts stay actionable. */
    static final int MAX_HOST_FAULTS = 3;
    static final int MAX_FAULTS = 2_000;
    /** With out-of-band fencing, how soon after the cut the agent of a double fault goes down (ms). */
    static final long AGENT_DOWN_WITH_BMC = 1_000;

    /** What the nemesis does in one step. */
    public enum Action {
        CABLE_DOWN, CABLE_UP, AGENT_KILL, AGENT_START, AGENT_STOP, AGENT_CONT, ZK_CUT, ZK_RESTORE,
        CLOCK_SET, SLOT_FREEZE, SLOT_THAW, ZK_KILL, ZK_START, LEADER_STOP, LEADER_CONT
    }

    /** One action at {@code atMillis} after the soak's start; {@code arg} is a server number or clock offset. */
    public record Step(long atMillis, int fault, Action action, String target, String arg) {
    }

    /** One planned fault: its steps, the first of which starts it and the last of which heals it. */
    public record Fault(int id, FaultKind kind, String target, long startMillis, long endMillis, List<Step> steps) {
        public String describe() {
            return String.format("#%d %s %s +%.1fs..+%.1fs", id, kind, target, startMillis / 1000.0, endMillis / 1000.0);
        }
    }

    private final long seed;
    private final List<Fault> faults;

    private Schedule(long seed, List<Fault> faults) {
        this.seed = seed;
        this.faults = List.copyOf(faults);
    }

    public long seed() {
        return seed;
    }

    public List<Fault> faults() {
        return faults;
    }

    /** Every step of every fault, in time order (ties in fault order). */
    public List<Step> steps() {
        List<Step> all = new ArrayList<>();
        faults.forEach(f -> all.addAll(f.steps()));
        all.sort(Comparator.comparingLong(Step::atMillis).thenComparingInt(Step::fault));
        return all;
    }

    /** The schedule as text, one fault a line: printed and logged so a failing run can be read and replayed. */
    public String describe() {
        StringBuilder b = new StringBuilder("schedule of seed " + seed + " (" + faults.size() + " faults)\n");
        faults.forEach(f -> b.append("  ").append(f.describe()).append('\n'));
        return b.toString();
    }

    /**
     * Draws the faults of a soak of {@code duration} over {@code hosts} (those in {@code fencing}
     * run an isolation response) with ZooKeeper session timeout {@code session}.
     */
    public static Schedule generate(long seed, List<String> hosts, Set<String> fencing, Duration duration,
                                    Duration session) {
        return generate(seed, hosts, fencing, duration, session, false);
    }

    /**
     * As above; with {@code outOfBand} (out-of-band fencing configured) the agent of an
     * {@link FaultKind#ISOLATED_THEN_AGENT_DOWN} goes down {@link #AGENT_DOWN_WITH_BMC} after the cut,
     * before any verdict: later, the detector would already have fenced the isolated host through its
     * BMC, and the double fault would never happen. Everything else, and every draw, is the same.
     */
    public static Schedule generate(long seed, List<String> hosts, Set<String> fencing, Duration duration,
                                    Duration session, boolean outOfBand) {
        if (hosts.size() < 2 || duration.isNegative() || session.isNegative() || session.isZero()) {
            throw new IllegalArgumentException("need two hosts, a duration and a session timeout");
        }
        Random rnd = new Random(seed);
        long s = session.toMillis();
        long total = duration.toMillis();
        // Long enough for a loss to be noticed (≤ 1.5 session), probed and published, with room to spare.
        long minHold = 2 * s + 4_000;
        long cooldown = s + 6_000;
        Map<String, Long> busyUntil = new HashMap<>();
        long clusterBusyUntil = 0;
        List<Fault> faults = new ArrayList<>();
        List<long[]> running = new ArrayList<>();
        long t = 3_000;
        int attempts = 0;
        while (t < total && faults.size() < MAX_FAULTS && attempts++ < 100_000) {
            FaultKind kind = draw(rnd);
            int id = faults.size() + 1;
            final long now = t;
            running.removeIf(r -> r[0] <= now);
            Fault f = null;
            if (kind.scope() == FaultKind.Scope.CLUSTER) {
                if (clusterBusyUntil <= t) {
                    f = cluster(id, kind, t, s, rnd);
                }
            } else if (running.size() < MAX_HOST_FAULTS) {
                List<String> free = new ArrayList<>();
                for (String h : hosts) {
                    boolean fences = fencing.contains(h);
                    boolean fits = kind == FaultKind.ISOLATION ? !fences : kind != FaultKind.ISOLATION_FENCED || fences;
                    if (fits && busyUntil.getOrDefault(h, 0L) <= t) {
                        free.add(h);
                    }
                }
                if (!free.isEmpty()) {
                    f = host(id, kind, free.get(rnd.nextInt(free.size())), t, s, minHold, outOfBand, rnd);
                }
            }
            if (f != null && f.endMillis() <= total) {
                faults.add(f);
                if (kind.scope() == FaultKind.Scope.CLUSTER) {
                    // The coordination layer recovers slowly (elections, expired sessions, a leader's grace): rarer.
                    clusterBusyUntil = f.endMillis() + 2 * cooldown + 5_000;
                } else {
                    busyUntil.put(f.target(), f.endMillis() + cooldown);
                    running.add(new long[] {f.endMillis()});
                }
            }
            t += 1_000 + rnd.nextInt(4_000);
        }
        return new Schedule(seed, faults);
    }

    private static FaultKind draw(Random rnd) {
        // Weights: host faults 2, the double fault and the coordination-layer faults 1.
        List<FaultKind> bag = new ArrayList<>();
        for (FaultKind k : FaultKind.values()) {
            int w = k.scope() == FaultKind.Scope.HOST && k != FaultKind.ISOLATED_THEN_AGENT_DOWN ? 2 : 1;
            for (int i = 0; i < w; i++) {
                bag.add(k);
            }
        }
        return bag.get(rnd.nextInt(bag.size()));
    }

    private static long between(Random rnd, long lo, long hi) {
        return lo + (hi > lo ? (long) (rnd.nextDouble() * (hi - lo)) : 0);
    }

    private static Fault host(int id, FaultKind kind, String h, long t, long s, long minHold, boolean outOfBand,
                              Random rnd) {
        List<Step> steps = new ArrayList<>();
        long end = t + between(rnd, minHold, minHold + 2 * s);
        switch (kind) {
            case POWER_LOSS -> {
                steps.add(new Step(t, id, Action.CABLE_DOWN, h, null));
                steps.add(new Step(t, id, Action.AGENT_KILL, h, null));
                steps.add(new Step(end, id, Action.CABLE_UP, h, null));
                steps.add(new Step(end, id, Action.AGENT_START, h, null));
            }
            case ISOLATION, ISOLATION_FENCED -> {
                steps.add(new Step(t, id, Action.CABLE_DOWN, h, null));
                steps.add(new Step(end, id, Action.CABLE_UP, h, null));
            }
            case ZK_PARTITION -> {
                steps.add(new Step(t, id, Action.ZK_CUT, h, null));
                steps.add(new Step(end, id, Action.ZK_RESTORE, h, null));
            }
            case AGENT_CRASH -> {
                steps.add(new Step(t, id, Action.AGENT_KILL, h, null));
                steps.add(new Step(end, id, Action.AGENT_START, h, null));
            }
            case AGENT_FREEZE -> {
                steps.add(new Step(t, id, Action.AGENT_STOP, h, null));
                steps.add(new Step(end, id, Action.AGENT_CONT, h, null));
            }
            case CLOCK_JUMP -> {
                long offset = (rnd.nextBoolean() ? 1 : -1) * between(rnd, 60, 3_600);
                steps.add(new Step(t, id, Action.CLOCK_SET, h, Long.toString(offset)));
                steps.add(new Step(end, id, Action.CLOCK_SET, h, "0"));
            }
            case STORAGE_HUNG -> {
                steps.add(new Step(t, id, Action.SLOT_FREEZE, h, null));
                steps.add(new Step(end, id, Action.SLOT_THAW, h, null));
            }
            case FLAPPING_LINK -> {
                int cycles = 3 + rnd.nextInt(4);
                long at = t;
                for (int i = 0; i < cycles; i++) {
                    steps.add(new Step(at, id, Action.CABLE_DOWN, h, null));
                    at += between(rnd, s / 4, s + s / 2);
                    steps.add(new Step(at, id, Action.CABLE_UP, h, null));
                    end = at;
                    at += between(rnd, 1_000, 3_000);
                }
            }
            case ISOLATED_THEN_AGENT_DOWN -> {
                boolean kill = rnd.nextBoolean();
                long second = t + (outOfBand ? AGENT_DOWN_WITH_BMC : minHold);
                end = t + 2 * minHold;
                steps.add(new Step(t, id, Action.CABLE_DOWN, h, null));
                steps.add(new Step(second, id, kill ? Action.AGENT_KILL : Action.AGENT_STOP, h, null));
                steps.add(new Step(end, id, Action.CABLE_UP, h, null));
                steps.add(new Step(end, id, kill ? Action.AGENT_START : Action.AGENT_CONT, h, null));
            }
            default -> throw new IllegalArgumentException(kind + " is not a host fault");
        }
        return new Fault(id, kind, h, t, end, steps);
    }

    private static Fault cluster(int id, FaultKind kind, long t, long s, Random rnd) {
        List<Step> steps = new ArrayList<>();
        long end;
        switch (kind) {
            case ZK_SERVER_RESTART -> {
                String server = Integer.toString(1 + rnd.nextInt(3));
                end = t + between(rnd, 3_000, 3 * s);
                steps.add(new Step(t, id, Action.ZK_KILL, "zk" + server, server));
                steps.add(new Step(end, id, Action.ZK_START, "zk" + server, server));
            }
            case QUORUM_LOSS -> {
                int spared = 1 + rnd.nextInt(3);
                end = t + between(rnd, s / 2, 3 * s);
                for (int i = 1; i <= 3; i++) {
                    if (i != spared) {
                        steps.add(new Step(t, id, Action.ZK_KILL, "zk" + i, Integer.toString(i)));
                        steps.add(new Step(end, id, Action.ZK_START, "zk" + i, Integer.toString(i)));
                    }
                }
            }
            case LEADER_PAUSE -> {
                end = t + between(rnd, s + 2_000, 2 * s + 4_000);
                steps.add(new Step(t, id, Action.LEADER_STOP, "leader", null));
                steps.add(new Step(end, id, Action.LEADER_CONT, "leader", null));
            }
            default -> throw new IllegalArgumentException(kind + " is not a cluster fault");
        }
        return new Fault(id, kind, kind == FaultKind.LEADER_PAUSE ? "leader" : "zookeeper", t, end, steps);
    }
}
