package io.hostwatch.acceptance.soak;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The soak's summary as Markdown: faults injected by kind, verdicts by state, findings. */
final class SoakReport {
    private SoakReport() {
    }

    static String render(long seed, Duration faults, Duration wall, Map<String, String> settings,
                         HistoryChecker.Result r, int failedSteps, List<String> notes) {
        StringBuilder b = new StringBuilder();
        b.append("## Run: seed ").append(seed).append(", ").append(faults.toSeconds()).append(" s of faults, from the "
                + "first step to the last heal (")
                .append(wall.toSeconds()).append(" s in all, with set-up and settle)\n\n");
        settings.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append("- nemesis steps that failed to run: ").append(failedSteps).append('\n');
        b.append("\n| fault | injected |\n|---|---|\n");
        r.faultsByKind().forEach((k, n) -> b.append("| ").append(k).append(" | ").append(n).append(" |\n"));
        b.append("\n| verdict state (history transitions) | count |\n|---|---|\n");
        r.verdictsByState().forEach((k, n) -> b.append("| ").append(k).append(" | ").append(n).append(" |\n"));
        b.append("| of which actionable | ").append(r.actionable()).append(" |\n");
        b.append("\n| check | figure |\n|---|---|\n");
        b.append("| violations | ").append(r.violations().size()).append(" |\n");
        b.append("| indistinguishable double faults (DEAD for an isolated host whose agent went down) | ")
                .append(r.indistinguishable().size()).append(" |\n");
        b.append("| faults alone judged for accuracy / correct | ").append(r.accuracyJudged()).append(" / ")
                .append(r.accuracyCorrect()).append(" |\n");
        b.append("| power losses judged for liveness | ").append(r.livenessJudged()).append(" |\n");
        b.append("| Nova force-downs | ").append(r.forceDowns()).append(" |\n");
        b.append("| BMC calls (every host's BMC, from its own log) / power-offs | ").append(r.bmcCalls())
                .append(" / ").append(r.powerOffs()).append(" |\n");
        b.append("| double faults held non-actionable for fencing (DEAD while the host ran) | ")
                .append(r.heldForFencing()).append(" |\n");
        if (!r.findings().isEmpty()) {
            b.append("\nFindings:\n\n");
            r.findings().forEach(f -> b.append("- ").append(f).append('\n'));
        }
        if (!notes.isEmpty()) {
            b.append('\n');
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
        }
        return b.toString();
    }
}
