package io.hostwatch.acceptance.soak;

import io.hostwatch.acceptance.soak.Finding.Category;
import io.hostwatch.acceptance.soak.Timeline.Span;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Judges a soak: a pure function of what the nemesis did (its log), what the detector published
 * (the verdict history of every member), the brake records seen and the Nova calls made.
 *
 * <p>Rules (a verdict's time is its {@code updatedAt}, when the leader wrote it):
 * <ul>
 *   <li>{@code safety.live-host}: no {@code DEAD} and no actionable verdict for a host that was powered
 *       on and not fenced at the verdict's time. A verdict may trail reality by {@link Bounds#lag()}
 *       (a recheck and a ping), so a host powered off or fenced within that much before counts as
 *       off. An isolated host whose agent died or hung (or could not write storage) at the same time
 *       is, without out-of-band fencing, listed as {@link Category#INDISTINGUISHABLE} instead.</li>
 *   <li>{@code safety.brake}: no actionable verdict while the group's brake was engaged;
 *       {@code safety.brake-race}: none published before the brake engaged for a host whose loss
 *       (its first verdict other than RUNNING) came within {@link Bounds#brakeRace()} before the
 *       engagement: its loss was one of those that engaged it, and the settle window after a loss
 *       must hold it. A verdict that becomes actionable long after its loss (an isolated host
 *       that fenced itself) may precede a brake that later losses engage: that is the design of a
 *       threshold.</li>
 *   <li>{@code safety.nova-once}: at most one Nova force-down per member incarnation and failure
 *       episode (a force-up Nova accepted ends an episode: an agent that survived an isolation keeps its
 *       incarnation), and none without an actionable verdict before it.</li>
 *   <li>{@code liveness.dead}: a host powered off longer than {@link Bounds#deadBound()} (with no
 *       ZooKeeper or leader fault in its shadow) is published {@code DEAD} by the time power returns
 *       (within the lag).</li>
 *   <li>{@code liveness.running}: every host ends {@code RUNNING} after the settle phase.</li>
 *   <li>{@code accuracy}: a fault alone on a host that was RUNNING (nothing else on it, nothing on
 *       the coordination layer) gets the verdict SPEC §2 names for it ({@link FaultKind#expected()}).</li>
 * </ul>
 *
 * <p>With out-of-band fencing ({@link Bounds#outOfBandFencing()}), the BMCs' own logs of their calls
 * are ground truth too: a host is powered off from the moment its BMC ran a power-off until the
 * operator powered it on again (and its new agent had time to start). The double fault is then
 * judged like everything else: {@code DEAD} held non-actionable (waiting for the BMC) is what it
 * must look like, an actionable verdict before the BMC's power-off is a {@code safety.live-host}
 * violation. And:
 * <ul>
 *   <li>{@code safety.power-off-once}: at most one power-off per host between two power-ons (one
 *       per incarnation: a power-off ends the incarnation, the next one starts after a power-on);</li>
 *   <li>{@code safety.bmc-brake}: no BMC call while the group's brake is engaged, except the rest of
 *       an attempt that began before the engagement (its calls follow each other within
 *       {@link #ATTEMPT_GAP}); a power-off is never more than that after the attempt's first call.</li>
 * </ul>
 */
public final class HistoryChecker {

    /** Calls of one fencing attempt follow each other within this (the service's BMC request bound). */
    static final Duration ATTEMPT_GAP = Duration.ofSeconds(5);

    /** A call a host's BMC received, from the BMC's own log: e.g. {@code 0x20 set power 0}. */
    public record BmcCall(Instant at, String host, String call) {
        boolean powerOff() {
            return call.endsWith("set power 0");
        }
    }

    /** A call the Nova contract stub recorded: a {@code forced_down} change of {@code host}'s compute service. */
    public record NovaCall(Instant at, String host, boolean forcedDown, int status) {
    }

    /**
     * The timing the checker allows. {@code margin} covers ZooKeeper's expiry rounding and a busy
     * machine; {@code agentStart} how long a restarted agent takes to write storage again.
     */
    public record Bounds(Duration session, Duration recheck, Duration ping, Duration staleAfter, Duration margin,
                         Duration agentStart, Duration brakeRace, boolean outOfBandFencing) {
        /** How far a published verdict may trail the state of the host. */
        Duration lag() {
            return recheck.plus(ping).plus(margin);
        }

        /** Power off for longer than this must end DEAD: session timeout + recheck interval + margin. */
        Duration deadBound() {
            return session.plus(recheck).plus(ping).plus(margin);
        }

        /** After a ZooKeeper or leader fault heals, how long members may still be judged late. */
        Duration clusterShadow() {
            return session.multipliedBy(2).plus(recheck).plus(margin);
        }
    }

    /** The verdict of the checker and the figures of the summary. */
    public record Result(List<Finding> findings, Map<FaultKind, Integer> faultsByKind,
                         Map<String, Integer> verdictsByState, int actionable, int accuracyJudged,
                         int accuracyCorrect, int livenessJudged, int forceDowns, int bmcCalls, int powerOffs,
                         int heldForFencing) {
        public List<Finding> violations() {
            return findings.stream().filter(f -> f.category() == Category.VIOLATION).toList();
        }

        public List<Finding> indistinguishable() {
            return findings.stream().filter(f -> f.category() == Category.INDISTINGUISHABLE).toList();
        }
    }

    private final Bounds bounds;

    public HistoryChecker(Bounds bounds) {
        this.bounds = Objects.requireNonNull(bounds);
    }

    public Result check(List<NemesisEvent> log, List<Verdict> history, List<BrakeRecord> brakes, List<NovaCall> nova) {
        return check(log, history, brakes, nova, List.of());
    }

    public Result check(List<NemesisEvent> log, List<Verdict> history, List<BrakeRecord> brakes, List<NovaCall> nova,
                        List<BmcCall> bmc) {
        Timeline t = Timeline.of(log);
        Map<String, List<Instant[]>> bmcOff = bmcOff(t, bmc);
        int[] held = {0};
        Map<String, List<Verdict>> byHost = byHost(t.group, history);
        List<Finding> findings = new ArrayList<>();
        List<Instant[]> brakeSpans = brakeSpans(t, brakes);
        for (Map.Entry<String, List<Verdict>> e : byHost.entrySet()) {
            Instant lossAt = null;
            for (Verdict v : e.getValue()) {
                if (v.state() == State.RUNNING) {
                    lossAt = null;
                } else if (lossAt == null) {
                    lossAt = v.since() != null && v.since().isBefore(at(v)) ? v.since() : at(v);
                }
                safety(t, e.getKey(), v, lossAt, brakeSpans, bmcOff, held, findings);
            }
        }
        bmc(t, bmc, brakeSpans, findings);
        int forceDowns = nova(byHost, nova, findings);
        int liveness = 0;
        int judged = 0;
        int correct = 0;
        for (String h : t.hosts) {
            List<Verdict> vs = byHost.getOrDefault(h, List.of());
            liveness += liveness(t, h, vs, findings);
            int[] acc = accuracy(t, h, vs, bmcOff.getOrDefault(h, List.of()), findings);
            judged += acc[0];
            correct += acc[1];
            ending(t, h, vs, findings);
        }
        findings.sort(Comparator.comparing(Finding::at).thenComparing(Finding::host));
        Map<FaultKind, Integer> faults = new EnumMap<>(FaultKind.class);
        t.spans.forEach(s -> faults.merge(s.kind(), 1, Integer::sum));
        Map<String, Integer> states = new TreeMap<>();
        int actionable = 0;
        for (List<Verdict> vs : byHost.values()) {
            for (Verdict v : vs) {
                states.merge(v.state().name(), 1, Integer::sum);
                actionable += v.actionable() ? 1 : 0;
            }
        }
        return new Result(List.copyOf(findings), faults, states, actionable, judged, correct, liveness, forceDowns,
                bmc.size(), (int) bmc.stream().filter(BmcCall::powerOff).count(), held[0]);
    }

    /**
     * Per host, when it was off because its BMC powered it off: from the BMC's power-off until the
     * operator's next power-on plus an agent start (verdicts about the old incarnation may stand
     * until the new agent registers), or the end.
     */
    private Map<String, List<Instant[]>> bmcOff(Timeline t, List<BmcCall> bmc) {
        Map<String, List<Instant[]>> out = new HashMap<>();
        for (BmcCall c : bmc) {
            if (!c.powerOff()) {
                continue;
            }
            Instant on = t.powerOns.getOrDefault(c.host(), List.of()).stream().filter(p -> !p.isBefore(c.at()))
                    .findFirst().map(p -> p.plus(bounds.agentStart())).orElse(Instant.MAX);
            out.computeIfAbsent(c.host(), h -> new ArrayList<>()).add(new Instant[] {c.at(), on});
        }
        return out;
    }

    /** The BMC rules: one power-off per power-on, no attempt begun while the brake holds. */
    private void bmc(Timeline t, List<BmcCall> calls, List<Instant[]> brakeSpans, List<Finding> out) {
        Map<String, List<BmcCall>> byHost = new TreeMap<>();
        calls.stream().sorted(Comparator.comparing(BmcCall::at))
                .forEach(c -> byHost.computeIfAbsent(c.host(), h -> new ArrayList<>()).add(c));
        byHost.forEach((h, cs) -> {
            List<Instant> ons = t.powerOns.getOrDefault(h, List.of());
            Instant lastOff = null;
            Instant attemptStart = null;
            Instant previous = null;
            for (BmcCall c : cs) {
                if (previous == null || Duration.between(previous, c.at()).compareTo(ATTEMPT_GAP) > 0) {
                    attemptStart = c.at();
                }
                previous = c.at();
                for (Instant[] b : brakeSpans) {
                    boolean during = !c.at().isBefore(b[0]) && !c.at().isAfter(b[1]);
                    boolean begunBefore = attemptStart.isBefore(b[0])
                            && !c.at().isAfter(attemptStart.plus(ATTEMPT_GAP.multipliedBy(2)));
                    if (during && !begunBefore) {
                        out.add(new Finding(Category.VIOLATION, "safety.bmc-brake", h, c.at(), "BMC call '" + c.call()
                                + "' while the group's brake was engaged (since " + b[0] + "); its attempt began at "
                                + attemptStart));
                    }
                }
                if (!c.powerOff()) {
                    continue;
                }
                Instant since = lastOff;
                if (since != null && ons.stream().noneMatch(p -> p.isAfter(since) && p.isBefore(c.at()))) {
                    out.add(new Finding(Category.VIOLATION, "safety.power-off-once", h, c.at(), "second BMC power-off "
                            + "of the host since its power-off at " + since + " with no power-on between: one "
                            + "incarnation powered off twice"));
                }
                lastOff = c.at();
            }
        });
    }

    /** The group's history per host, oldest first, without entries identical to their predecessor. */
    private static Map<String, List<Verdict>> byHost(String group, List<Verdict> history) {
        Map<String, List<Verdict>> out = new LinkedHashMap<>();
        history.stream().filter(v -> group.equals(v.group()))
                .sorted(Comparator.comparing(HistoryChecker::at))
                .forEach(v -> {
                    List<Verdict> vs = out.computeIfAbsent(v.host(), h -> new ArrayList<>());
                    if (vs.isEmpty() || !vs.get(vs.size() - 1).equals(v)) {
                        vs.add(v);
                    }
                });
        return out;
    }

    static Instant at(Verdict v) {
        return v.updatedAt() != null ? v.updatedAt() : v.since();
    }

    /** Judges one verdict; {@code lossAt} is when the host's current loss began (its first verdict not RUNNING). */
    private void safety(Timeline t, String h, Verdict v, Instant lossAt, List<Instant[]> brakeSpans,
                        Map<String, List<Instant[]>> bmcOff, int[] held, List<Finding> out) {
        Instant at = at(v);
        if (v.actionable()) {
            for (Instant[] b : brakeSpans) {
                if (!at.isBefore(b[0]) && !at.isAfter(b[1])) {
                    out.add(new Finding(Category.VIOLATION, "safety.brake", h, at, "published " + describe(v)
                            + " while the group's brake was engaged (since " + b[0] + ")"));
                } else if (at.isBefore(b[0]) && lossAt != null && !lossAt.plus(bounds.brakeRace()).isBefore(b[0])) {
                    out.add(new Finding(Category.VIOLATION, "safety.brake-race", h, at, "published " + describe(v)
                            + " " + Duration.between(at, b[0]).toMillis() + " ms before the group's brake engaged at "
                            + b[0] + ", for a loss that began " + Duration.between(lossAt, b[0]).toMillis()
                            + " ms before it (at " + lossAt + "): the mass failure was already under way"));
                }
            }
        }
        if (v.state() != State.DEAD && !v.actionable()) {
            return;
        }
        Instant from = at.minus(bounds.lag());
        List<Span> spans = t.onHost(h);
        boolean off = spans.stream().anyMatch(s -> s.kind().powersOff() && s.overlaps(from, at))
                || bmcOff.getOrDefault(h, List.of()).stream().anyMatch(o -> !o[0].isAfter(at) && !o[1].isBefore(from));
        if (off || fenced(t, h, at)) {
            return;
        }
        List<Span> cut = spans.stream().filter(s -> s.kind().cutsNetwork() && s.overlaps(from, at)).toList();
        Instant writesFrom = from.minus(bounds.staleAfter());
        List<Span> silent = spans.stream().filter(s -> writerStopped(s, writesFrom, at)).toList();
        String around = spans.stream().filter(s -> s.overlaps(from.minus(bounds.deadBound()), at))
                .map(Span::describe).collect(Collectors.joining("; "));
        if (!cut.isEmpty() && !silent.isEmpty() && !bounds.outOfBandFencing()) {
            out.add(new Finding(Category.INDISTINGUISHABLE, "double-fault", h, at, "published " + describe(v)
                    + ": network cut and storage heartbeat stopped at once, as after a power loss (" + around + ")"));
            return;
        }
        if (!cut.isEmpty() && !silent.isEmpty() && !v.actionable()) {
            // With fencing: DEAD, held until the BMC has powered the host off, is what it must look like.
            held[0]++;
            return;
        }
        out.add(new Finding(Category.VIOLATION, "safety.live-host", h, at, "published " + describe(v)
                + " while the host was powered on and not fenced (faults on it then: "
                + (around.isEmpty() ? "none" : around) + ")"));
    }

    private boolean writerStopped(Span s, Instant from, Instant to) {
        Instant end = s.end();
        if (s.kind() == FaultKind.AGENT_CRASH || s.kind() == FaultKind.ISOLATED_THEN_AGENT_DOWN) {
            end = end.plus(bounds.agentStart());
        }
        if (s.kind().stopsStorageWrites()) {
            return !s.start().isAfter(to) && !end.isBefore(from);
        }
        if (s.kind() == FaultKind.ISOLATED_THEN_AGENT_DOWN && s.second() != null) {
            return !s.second().isAfter(to) && !end.isBefore(from);
        }
        return false;
    }

    /** Fenced: its isolation response ran, and the network cut during which it ran has not healed (+ lag). */
    private boolean fenced(Timeline t, String h, Instant at) {
        for (Instant f : t.fences.getOrDefault(h, List.of())) {
            if (f.isAfter(at)) {
                continue;
            }
            Instant until = t.onHost(h).stream().filter(s -> s.kind().cutsNetwork() && s.overlaps(f, f))
                    .map(Span::end).max(Comparator.naturalOrder()).orElse(f);
            if (!at.isAfter(until.plus(bounds.lag()))) {
                return true;
            }
        }
        return false;
    }

    /** Each engagement of the brake: from engagedAt to its release (or the end). */
    private static List<Instant[]> brakeSpans(Timeline t, List<BrakeRecord> brakes) {
        Map<Instant, Instant> spans = new TreeMap<>();
        for (BrakeRecord b : brakes) {
            if (!t.group.equals(b.group()) || b.engagedAt() == null) {
                continue;
            }
            Instant release = b.engaged() || b.releasedAt() == null || b.releasedAt().isBefore(b.engagedAt())
                    ? Instant.MAX : b.releasedAt();
            spans.merge(b.engagedAt(), release, (x, y) -> x.isBefore(y) ? x : y);
        }
        List<Instant[]> out = new ArrayList<>();
        spans.forEach((from, to) -> out.add(new Instant[] {from, to.equals(Instant.MAX) ? t.end : to}));
        return out;
    }

    private static int nova(Map<String, List<Verdict>> byHost, List<NovaCall> calls, List<Finding> out) {
        Map<String, Integer> perIncarnation = new HashMap<>();
        int downs = 0;
        for (NovaCall c : calls.stream().sorted(Comparator.comparing(NovaCall::at)).toList()) {
            if (c.status() < 200 || c.status() >= 300) {
                continue;
            }
            if (!c.forcedDown()) {
                // A force-up that Nova accepted ends the episode: the host came back (RUNNING) and a later
                // failure of the same, surviving agent (an isolation healed, then repeated) is a new one.
                perIncarnation.keySet().removeIf(k -> k.startsWith(c.host() + "/"));
                continue;
            }
            downs++;
            Verdict basis = null;
            for (Verdict v : byHost.getOrDefault(c.host(), List.of())) {
                if (v.actionable() && !at(v).isAfter(c.at())) {
                    basis = v;
                }
            }
            if (basis == null) {
                out.add(new Finding(Category.VIOLATION, "safety.nova-once", c.host(), c.at(),
                        "Nova force-down with no actionable verdict published before it"));
                continue;
            }
            String key = c.host() + "/" + basis.incarnation();
            int n = perIncarnation.merge(key, 1, Integer::sum);
            if (n > 1) {
                out.add(new Finding(Category.VIOLATION, "safety.nova-once", c.host(), c.at(), "Nova force-down number "
                        + n + " for incarnation " + basis.incarnation()));
            }
        }
        return downs;
    }

    private int liveness(Timeline t, String h, List<Verdict> vs, List<Finding> out) {
        int judged = 0;
        for (Span s : t.onHost(h)) {
            if (!s.kind().powersOff() || Duration.between(s.start(), s.end()).compareTo(bounds.deadBound()) < 0
                    || inClusterShadow(t, s.start(), s.end())) {
                continue;
            }
            judged++;
            boolean dead = State.DEAD == stateAt(vs, s.start())
                    || vs.stream().anyMatch(v -> v.state() == State.DEAD && !at(v).isBefore(s.start())
                            && !at(v).isAfter(s.end().plus(bounds.lag())));
            if (!dead) {
                out.add(new Finding(Category.VIOLATION, "liveness.dead", h, s.end(), "powered off for "
                        + Duration.between(s.start(), s.end()).toMillis() + " ms (" + s.describe() + "; bound "
                        + bounds.deadBound().toMillis() + " ms) and never published DEAD; states then: "
                        + statesBetween(vs, s.start(), s.end())));
            }
        }
        return judged;
    }

    private boolean inClusterShadow(Timeline t, Instant from, Instant to) {
        return t.cluster().stream().anyMatch(c -> !c.start().isAfter(to)
                && !c.end().plus(bounds.clusterShadow()).isBefore(from));
    }

    private int[] accuracy(Timeline t, String h, List<Verdict> vs, List<Instant[]> bmcOff, List<Finding> out) {
        int judged = 0;
        int correct = 0;
        List<Span> spans = t.onHost(h);
        for (Span s : spans) {
            State expected = s.kind().expected();
            if (expected == null) {
                continue;
            }
            Instant quietTo = s.end().plus(bounds.lag());
            // Alone: no other fault on the host from before its start until its verdict is in (one that
            // restarted the agent counts until the new agent is up), none on the coordination layer.
            boolean alone = spans.stream().noneMatch(o -> o != s && !o.start().isAfter(quietTo)
                    && !settledAfter(o).isBefore(s.start())) && !inClusterShadow(t, s.start(), quietTo);
            boolean longEnough = expected == State.RUNNING
                    || Duration.between(s.start(), s.end()).compareTo(bounds.deadBound()) >= 0;
            if (!alone || !longEnough || stateAt(vs, s.start()) != State.RUNNING) {
                continue;
            }
            judged++;
            String problem;
            if (expected == State.RUNNING) {
                problem = vs.stream().filter(v -> at(v).isAfter(s.start()) && !at(v).isAfter(quietTo)
                        && v.state() != State.RUNNING).findFirst().map(v -> "published " + describe(v)).orElse(null);
            } else {
                // Once its BMC powered the host off (fencing), the fault's verdict is the one before that.
                Instant poweredOff = bmcOff.stream().map(o -> o[0]).filter(o -> o.isAfter(s.start())
                        && !o.isAfter(s.end())).min(Comparator.naturalOrder()).orElse(null);
                State verdict = poweredOff == null ? faultVerdict(vs, s.start(), s.end(), quietTo)
                        : faultVerdict(vs, s.start(), poweredOff, poweredOff);
                problem = verdict == expected ? null : "the fault's verdict was " + verdict;
            }
            if (problem == null) {
                correct++;
            } else {
                out.add(new Finding(Category.VIOLATION, "accuracy", h, s.start(), s.describe() + " alone: expected "
                        + expected + ", " + problem + "; states: " + statesBetween(vs, s.start(), quietTo)));
            }
        }
        return new int[] {judged, correct};
    }

    /**
     * The verdict a fault got: the last state other than RUNNING and SUSPECT published while it
     * lasted, else the first one published within the lag after it healed.
     */
    private static State faultVerdict(List<Verdict> vs, Instant start, Instant end, Instant lagEnd) {
        State during = null;
        for (Verdict v : vs) {
            boolean settled = v.state() != State.RUNNING && v.state() != State.SUSPECT;
            if (settled && at(v).isAfter(start) && !at(v).isAfter(end)) {
                during = v.state();
            }
        }
        if (during != null) {
            return during;
        }
        return vs.stream().filter(v -> at(v).isAfter(end) && !at(v).isAfter(lagEnd))
                .filter(v -> v.state() != State.RUNNING && v.state() != State.SUSPECT)
                .map(Verdict::state).findFirst().orElse(stateAt(vs, end));
    }

    /** When a host is back to normal after {@code o}: its heal, plus an agent start where it restarted the agent. */
    private Instant settledAfter(Span o) {
        boolean restarts = o.kind() == FaultKind.POWER_LOSS || o.kind() == FaultKind.AGENT_CRASH
                || o.kind() == FaultKind.ISOLATED_THEN_AGENT_DOWN;
        return o.end().plus(bounds.lag()).plus(restarts ? bounds.agentStart() : Duration.ZERO);
    }

    private static void ending(Timeline t, String h, List<Verdict> vs, List<Finding> out) {
        Verdict last = vs.isEmpty() ? null : vs.get(vs.size() - 1);
        if (last == null || last.state() != State.RUNNING) {
            out.add(new Finding(Category.VIOLATION, "liveness.running", h, t.end, "every fault healed, but the host "
                    + "ends " + (last == null ? "with no verdict" : describe(last))));
        }
    }

    private static State stateAt(List<Verdict> vs, Instant when) {
        State s = null;
        for (Verdict v : vs) {
            if (!at(v).isAfter(when)) {
                s = v.state();
            }
        }
        return s;
    }

    private static String statesBetween(List<Verdict> vs, Instant from, Instant to) {
        List<String> out = new ArrayList<>();
        State before = stateAt(vs, from);
        if (before != null) {
            out.add(before.name());
        }
        vs.stream().filter(v -> at(v).isAfter(from) && !at(v).isAfter(to))
                .forEach(v -> out.add(v.state() + (v.actionable() ? "!" : "")));
        return String.join(" → ", out);
    }

    static String describe(Verdict v) {
        return v.state() + (v.actionable() ? " (actionable)" : "") + (v.holds() == null || v.holds().isEmpty() ? ""
                : " holds " + v.holds()) + " epoch " + v.epoch() + " incarnation " + v.incarnation();
    }
}
