package io.hostwatch.acceptance.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ground truth the checker judges against, rebuilt from the nemesis log alone: each fault as
 * a span of time on its target, each isolation response that ran, the hosts, and the soak's end.
 * A fault without a HEAL line (a run that died) lasts until the end of the log.
 */
final class Timeline {
    /**
     * One fault as it was done: from its START line to its HEAL line; {@code second} is the time
     * of its first STEP line (the agent going down in a double fault), or null.
     */
    record Span(int fault, FaultKind kind, String target, Instant start, Instant end, Instant second) {
        boolean overlaps(Instant from, Instant to) {
            return !start.isAfter(to) && !end.isBefore(from);
        }

        String describe() {
            return "#" + fault + " " + kind + " " + target + " " + start + ".." + end;
        }
    }

    final String group;
    final List<String> hosts = new ArrayList<>();
    final List<Span> spans = new ArrayList<>();
    /** Per host, when its isolation response ran. */
    final Map<String, List<Instant>> fences = new LinkedHashMap<>();
    /** Per host, when an operator powered it on again. */
    final Map<String, List<Instant>> powerOns = new LinkedHashMap<>();
    /** When an operator released the brake. */
    final List<Instant> releases = new ArrayList<>();
    final Instant begin;
    final Instant end;

    private Timeline(String group, Instant begin, Instant end) {
        this.group = group;
        this.begin = begin;
        this.end = end;
    }

    static Timeline of(List<NemesisEvent> log) {
        List<NemesisEvent> events = new ArrayList<>(log);
        events.sort(Comparator.comparing(NemesisEvent::at));
        NemesisEvent first = events.stream().filter(e -> e.phase() == NemesisEvent.Phase.BEGIN).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the nemesis log has no BEGIN line"));
        Instant last = events.stream().filter(e -> e.phase() == NemesisEvent.Phase.END).map(NemesisEvent::at)
                .findFirst().orElse(events.get(events.size() - 1).at());
        Timeline t = new Timeline(first.target(), first.at(), last);
        for (String h : first.detail().split(",")) {
            if (!h.isBlank()) {
                t.hosts.add(h.trim());
            }
        }
        Map<Integer, NemesisEvent> starts = new LinkedHashMap<>();
        Map<Integer, Instant> seconds = new LinkedHashMap<>();
        Map<Integer, Instant> heals = new LinkedHashMap<>();
        for (NemesisEvent e : events) {
            switch (e.phase()) {
                case START -> starts.putIfAbsent(e.fault(), e);
                case STEP -> seconds.putIfAbsent(e.fault(), e.at());
                case HEAL -> heals.put(e.fault(), e.at());
                case FENCE -> t.fences.computeIfAbsent(e.target(), h -> new ArrayList<>()).add(e.at());
                case RELEASE -> t.releases.add(e.at());
                case POWER_ON -> t.powerOns.computeIfAbsent(e.target(), h -> new ArrayList<>()).add(e.at());
                default -> {
                    // BEGIN, SETTLE, END: read above
                }
            }
        }
        starts.forEach((id, s) -> t.spans.add(new Span(id, Objects.requireNonNull(s.kind(), "kind of #" + id),
                s.target(), s.at(), heals.getOrDefault(id, last), seconds.get(id))));
        return t;
    }

    List<Span> onHost(String host) {
        return spans.stream().filter(s -> s.kind().scope() == FaultKind.Scope.HOST && s.target().equals(host)).toList();
    }

    List<Span> cluster() {
        return spans.stream().filter(s -> s.kind().scope() == FaultKind.Scope.CLUSTER).toList();
    }
}
