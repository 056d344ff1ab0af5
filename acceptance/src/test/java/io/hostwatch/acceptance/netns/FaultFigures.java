package io.hostwatch.acceptance.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The measured times of the fault matrix: one line per step (fault and expected verdict), with
 * every verdict observed and every time from fault injection to the verdict's publication. Renders
 * the table that {@code deploy/fault-matrix.sh} copies to {@code docs/fault-matrix.md}.
 */
public final class FaultFigures {
    /** What a step's time is compared with. */
    public enum Kind {
        /** A fault: the SPEC §6 target (session timeout + 1.5 s) applies. */
        FAULT,
        /** The fault is undone; the time to RUNNING again is shown, no target. */
        RECOVERY,
        /** Nothing must change; no time. */
        HOLD
    }

    private record Key(String fault, String expected) {
    }

    private static final class Line {
        final Kind kind;
        final List<String> observed = new ArrayList<>();
        final List<Long> millis = new ArrayList<>();
        final Map<String, Integer> sequences = new LinkedHashMap<>();
        int onTarget;

        Line(Kind kind) {
            this.kind = kind;
        }
    }

    private final Duration session;
    private final Map<Key, Line> lines = new LinkedHashMap<>();

    public FaultFigures(Duration session) {
        this.session = session;
    }

    /** The SPEC §6 target: session timeout + 1.5 s. */
    public Duration target() {
        return session.plusMillis(1500);
    }

    /**
     * Records one run of a step. {@code observed} equals {@code expected} when the first verdict
     * was right; a wrong one followed by the right one reads {@code "WRONG → EXPECTED"}.
     * {@code millis} is the time to the right verdict, null where none came or no time applies.
     * A run is on target only when its first verdict was right and came within the target.
     */
    public synchronized void record(String fault, String expected, Kind kind, String observed, Long millis,
                                    List<String> statesSeen) {
        Line line = lines.computeIfAbsent(new Key(fault, expected), k -> new Line(kind));
        line.observed.add(observed);
        line.sequences.merge(String.join(" → ", statesSeen), 1, Integer::sum);
        if (millis != null) {
            line.millis.add(millis);
        }
        if (observed.equals(expected) && millis != null && millis <= target().toMillis()) {
            line.onTarget++;
        }
    }

    /** True when some run of some step saw {@code text} in its observed verdict. */
    public synchronized boolean anyObserved(String text) {
        return lines.values().stream().anyMatch(l -> l.observed.stream().anyMatch(o -> o.contains(text)));
    }

    public synchronized boolean isEmpty() {
        return lines.isEmpty();
    }

    /** The markdown table. */
    public synchronized String table() {
        StringBuilder out = new StringBuilder();
        out.append("| fault | expected | observed | time to verdict: min / median / max | session timeout "
                + "| within " + seconds(target().toMillis()) + " |\n");
        out.append("|---|---|---|---|---|---|\n");
        lines.forEach((key, line) -> out.append("| ").append(key.fault).append(" | `").append(key.expected)
                .append("` | ").append(observed(line)).append(" | ").append(times(line)).append(" | ")
                .append(seconds(session.toMillis())).append(" | ").append(verdictOnTarget(line)).append(" |\n"));
        return out.toString();
    }

    /** Per step, the distinct sequences of the victim's states seen up to the step's verdict, with their counts. */
    public synchronized String sequences() {
        StringBuilder out = new StringBuilder();
        lines.forEach((key, line) -> {
            out.append("- ").append(key.fault).append(": ");
            List<String> each = new ArrayList<>();
            line.sequences.forEach((seq, n) -> each.add("`" + seq + "`" + (line.observed.size() > 1 ? " (" + n + "/"
                    + line.observed.size() + ")" : "")));
            out.append(String.join("; ", each)).append('\n');
        });
        return out.toString();
    }

    /** Steps whose slowest time missed the target, one line each. */
    public synchronized List<String> misses() {
        List<String> out = new ArrayList<>();
        lines.forEach((key, line) -> {
            long max = line.millis.stream().mapToLong(Long::longValue).max().orElse(0);
            if (line.kind == Kind.FAULT && (max > target().toMillis() || line.onTarget < line.observed.size())) {
                long wrong = line.observed.stream().filter(o -> !o.equals(key.expected)).count();
                long slow = line.millis.stream().filter(m -> m > target().toMillis()).count();
                out.add(key.fault + " → `" + key.expected + "`: " + (wrong > 0 ? wrong + " of "
                        + line.observed.size() + " runs published a wrong verdict first" + (slow > 0 ? "; " : "")
                        : "") + (slow > 0 ? slow + " of " + line.millis.size() + " runs over "
                        + seconds(target().toMillis()) + " (slowest " + seconds(max) + ")" : ""));
            }
        });
        return out;
    }

    private static String observed(Line line) {
        Map<String, Integer> counts = new TreeMap<>();
        line.observed.forEach(o -> counts.merge(o, 1, Integer::sum));
        if (counts.size() == 1) {
            String only = counts.keySet().iterator().next();
            return "`" + only + "`" + (line.observed.size() > 1 ? " (" + line.observed.size() + "/"
                    + line.observed.size() + ")" : "");
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((o, n) -> sb.append(sb.length() == 0 ? "" : ", ").append('`').append(o).append("` ")
                .append(n).append('/').append(line.observed.size()));
        return sb.toString();
    }

    private static String times(Line line) {
        if (line.kind == Kind.HOLD) {
            return "held (no change)";
        }
        if (line.millis.isEmpty()) {
            return "no verdict";
        }
        List<Long> sorted = new ArrayList<>(line.millis);
        sorted.sort(Long::compare);
        int n = sorted.size();
        long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return seconds(sorted.get(0)) + " / " + seconds(median) + " / " + seconds(sorted.get(n - 1))
                + (n > 1 ? " (" + n + " runs)" : "");
    }

    private String verdictOnTarget(Line line) {
        if (line.kind != Kind.FAULT) {
            return line.kind == Kind.HOLD ? "—" : "— (recovery)";
        }
        long within = line.onTarget;
        return within == line.observed.size() ? "yes" : "**no** (" + within + "/" + line.observed.size() + ")";
    }

    static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.2f s", millis / 1000.0);
    }

    /** Writes {@code text} to {@code file}, creating its directory. */
    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
