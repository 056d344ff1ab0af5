package io.hostwatch.acceptance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the section of {@code docs/benchmarks.md} for one size (N, K) from the JSON of several
 * runs: each figure per run, the worst, the target. The section lies between two markers that
 * name its size; a new run of that size replaces it, a first run of a new size puts its section
 * at the top, and everything outside the markers (notes written by hand, older sets) is kept.
 */
final class BenchReport {
    private record Figure(String key, String label, String unit, double target, boolean lowerIsBetter) {
    }

    /** A figure without a target ({@code NaN}) is shown for comparison: what a subscriber saw. */
    private static final List<Figure> FIGURES = List.of(
            new Figure("zkDeletionToSuspectP50Seconds", "znode deleted → `SUSPECT` published, p50 (ZooKeeper's "
                    + "log, all K)", "s", 0.2, true),
            new Figure("notifiedDeletionToSuspectP50Seconds", "the same as a subscriber is told: deletion notified "
                    + "→ `SUSPECT` notified, p50 (all K)", "s", 0.2, true),
            new Figure("zkDeletionToFinalP99Seconds", "znode deleted → final verdict published, p99 (ZooKeeper's log)",
                    "s", 1.5, true),
            new Figure("zkKillToFinalP99Seconds", "`kill -9` → final verdict published, p99 (session 6 s; ZooKeeper's "
                    + "log)", "s", 6.5, true),
            new Figure("registerToAllRunningSeconds", "N members registered → all `RUNNING`", "s", 15, true),
            new Figure("getToPingRatio", "member `GET` ÷ admin `/ping` (wrk -t2 -c64, same run)", "×", 0.8, false),
            new Figure("steadyCpuPercentOfOneCore", "service CPU at steady state", "% of a core", 25, true),
            new Figure("steadyRssMb", "service RSS at steady state", "MB", 512, true),
            new Figure("deletionToSuspectOrFinalP50Seconds", "subscriber's view: deletion seen → first verdict "
                    + "after it read, p50 (all K)", "s", Double.NaN, true),
            new Figure("deletionToSuspectP50Seconds", "subscriber's view: deletion seen → `SUSPECT` read, p50 (of "
                    + "the `SUSPECT`s read)", "s", Double.NaN, true),
            new Figure("deletionToFinalP99Seconds", "subscriber's view: deletion seen → final verdict read, p99",
                    "s", Double.NaN, true),
            new Figure("killToFinalP99Seconds", "subscriber's view: `kill -9` → final verdict read, p99", "s",
                    Double.NaN, true));

    private BenchReport() {
    }

    static void write(Path out, List<Path> runs) throws IOException {
        List<JsonNode> r = new ArrayList<>();
        for (Path p : runs) {
            r.add(Json.mapper().readTree(Files.readString(p)));
        }
        int n = r.get(0).path("n").asInt();
        int k = r.get(0).path("k").asInt();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "## Detector at scale: N=%,d, K=%,d", n, k))
                .append(" (`deploy/bench/scale-benchmark.sh`)\n\n");
        md.append("Date: ").append(r.get(0).path("startedAt").asText()).append(". Machine: ")
                .append(machine()).append(".\n\n");
        md.append("The service runs on its embedded ZooKeeper (tick 100 ms, session timeout 6 s, ping timeout 1 s, JVM ")
                .append("`-Xmx384m ").append(r.get(0).path("serviceGc").asText("-XX:+UseSerialGC")).append("`, request log off; its ZooKeeper data and the storage root on tmpfs, so ")
                .append("that the fleets' slot writes do not stall ZooKeeper's log sync on the shared disk) with N=").append(r.get(0).path("n").asInt())
                .append(" members in one group: one process (one ZooKeeper session) holds the ")
                .append(r.get(0).path("n").asInt() - r.get(0).path("k").asInt())
                .append(" survivors, a second process the K=").append(r.get(0).path("k").asInt())
                .append(" that fail; every member's storage slot advances once a second. The failing process is ")
                .append("killed with `kill -9` while an nftables rule drops everything sent to its 127.2.x.x ")
                .append("addresses.\n\n")
                .append("**Published** is ZooKeeper's own time, read from its transaction log after the run: the ")
                .append("deletion is the transaction that closed the failing process's session (it deletes all its ")
                .append("ephemeral znodes at once), a verdict is the transaction that wrote it; both are stamped by the ")
                .append("server's clock when it orders the transaction. The log misses no write, so every one of the K ")
                .append("members counts, and the first verdict after the deletion is the `SUSPECT` (or, where no ")
                .append("`SUSPECT` was written, the final verdict). `kill -9` is the benchmark's wall clock on the same ")
                .append("host. **Told** is when a separate ZooKeeper connection on the same host that only listens (one ")
                .append("persistent recursive watch on the heartbeats, one on the verdicts) was notified of the ")
                .append("deletion and of the member's first verdict change after it. **Subscriber's view** rows, for ")
                .append("comparison, are what a watcher that also reads each verdict (a Curator cache of the whole ")
                .append("tree) saw: its figures add a read behind each notification, queued behind the other reads of ")
                .append("the burst, and a `SUSPECT` that its final verdict replaced before the read is never read (the ")
                .append("\"all K\" row counts such a member when its final verdict was read).\n\n");
        md.append("**The machine is shared**: other work may run beside the benchmark (the ")
                .append("load average at the start of each run is below), so absolute figures are noisy: the REST ")
                .append("figure is a ratio measured side by side in the same run, and the table gives the worst of ")
                .append(r.size()).append(" runs.\n\n");
        md.append("| figure | target |");
        for (int i = 0; i < r.size(); i++) {
            md.append(" run ").append(i + 1).append(" |");
        }
        md.append(" worst | met |\n|---|---|");
        md.append("---|".repeat(r.size())).append("---|---|\n");
        for (Figure f : FIGURES) {
            double worst = f.lowerIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            boolean informative = Double.isNaN(f.target);
            md.append("| ").append(f.label).append(" | ");
            if (informative) {
                md.append("– |");
            } else {
                md.append(f.lowerIsBetter ? "≤ " : "≥ ").append(num(f.target)).append(' ').append(f.unit).append(" |");
            }
            boolean missing = false;
            for (JsonNode run : r) {
                JsonNode v = run.path(f.key);
                if (v.isMissingNode() || v.asDouble() < 0) {
                    missing = true;
                    md.append(" – |");
                    continue;
                }
                double x = v.asDouble();
                worst = f.lowerIsBetter ? Math.max(worst, x) : Math.min(worst, x);
                md.append(' ').append(num(x)).append(" |");
            }
            boolean met = !missing && (f.lowerIsBetter ? worst <= f.target : worst >= f.target);
            md.append(' ').append(missing ? "–" : num(worst)).append(" | ")
                    .append(informative ? "–" : met ? "yes" : "**no**").append(" |\n");
        }
        md.append("\nPer run (\"silent\": the nftables drop rule was in place, so the failing hosts' final verdict is ")
                .append("`DEAD`; otherwise the shared network lock was busy, the addresses still answered and the final ")
                .append("verdict is `SERVICE_UNREACHABLE`):\n\n| run | load average at start | silent | DEAD | ")
                .append("SERVICE_UNREACHABLE | survivors not RUNNING | SUSPECTs written (log) | `SUSPECT` p99 (log) | ")
                .append("final p50 (log) | kill → session closed (log) | SUSPECTs read (watcher) | ")
                .append("member GET req/s | /ping req/s | threads |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < r.size(); i++) {
            JsonNode run = r.get(i);
            md.append("| ").append(i + 1).append(" | ").append(run.path("loadAverage").asText()).append(" | ")
                    .append(run.path("failingAddressesSilent").asBoolean() ? "yes" : "no").append(" | ")
                    .append(run.path("dead").asInt()).append(" | ").append(run.path("serviceUnreachable").asInt()).append(" | ").append(run.path("survivorsNotRunning").asInt())
                    .append(" | ").append(run.path("zkSuspectsWritten").asInt())
                    .append(" | ").append(num(run.path("zkDeletionToSuspectP99Seconds").asDouble())).append(" s | ")
                    .append(num(run.path("zkDeletionToFinalP50Seconds").asDouble())).append(" s | ")
                    .append(num(run.path("zkKillToSessionCloseSeconds").asDouble())).append(" s | ")
                    .append(run.path("suspectsRead").asInt()).append(" | ")
                    .append(Math.round(run.path("memberGetRequestsPerSecond").asDouble())).append(" | ")
                    .append(Math.round(run.path("pingRequestsPerSecond").asDouble())).append(" | ")
                    .append(run.path("threads").asInt()).append(" |\n");
        }
        String doc = Files.exists(out) ? Files.readString(out) : "# Benchmarks\n";
        Files.writeString(out, spliced(doc, md.toString(), n, k));
        System.out.print(md);
    }

    /**
     * {@code doc} with the section of size (N, K) replaced by {@code section}, or, when it has
     * none yet, with {@code section} inserted right after the title; the rest as it was.
     *
     * @throws IllegalStateException when only one of the section's two markers is there
     */
    static String spliced(String doc, String section, int n, int k) {
        String begin = "<!-- scale-benchmark N=" + n + " K=" + k
                + ": generated, replaced by the next run of this size -->";
        String end = "<!-- end of scale-benchmark N=" + n + " K=" + k + " -->";
        String block = begin + "\n" + section.stripTrailing() + "\n" + end;
        int b = doc.indexOf(begin);
        int e = doc.indexOf(end);
        if (b >= 0 && e > b) {
            return doc.substring(0, b) + block + doc.substring(e + end.length());
        }
        if (b >= 0 || e >= 0) {
            throw new IllegalStateException("the benchmark section N=" + n + " K=" + k + " has only one of its markers,"
                    + " or they are out of order: mend the file by hand first");
        }
        String title = "";
        String rest = doc;
        if (doc.startsWith("# ")) {
            int nl = doc.indexOf('\n');
            title = (nl < 0 ? doc : doc.substring(0, nl)).stripTrailing() + "\n\n";
            rest = nl < 0 ? "" : doc.substring(nl + 1);
        }
        rest = rest.stripLeading();
        return title + block + "\n" + (rest.isEmpty() ? "" : "\n" + rest);
    }

    private static String num(double x) {
        return x == Math.rint(x) && Math.abs(x) >= 10 ? String.valueOf((long) x) : String.format(Locale.ROOT, "%.2f", x);
    }

    private static String machine() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        long memKb = 0;
        String cpu = "";
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                cpu = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return cores + " cores (" + cpu + "), " + Math.round(memKb / 1024.0 / 1024.0) + " GiB memory, Linux "
                + System.getProperty("os.version");
    }
}
