package io.hostwatch.acceptance.soak;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostwatch.acceptance.soak.HistoryChecker.BmcCall;
import io.hostwatch.acceptance.soak.HistoryChecker.NovaCall;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything the {@link HistoryChecker} judges, as a soak leaves it in its directory:
 * {@code nemesis.jsonl} (written as the run goes), {@code history.json}, {@code brakes.json} and
 * {@code nova.json}, and with out-of-band fencing {@code bmc.json}. A recorded run can be judged again without the lab, by a test or after a
 * change of the checker.
 */
record RecordedRun(List<NemesisEvent> log, List<Verdict> history, List<BrakeRecord> brakes, List<NovaCall> nova,
                   List<BmcCall> bmc) {
    static final String LOG = "nemesis.jsonl";
    static final String HISTORY = "history.json";
    static final String BRAKES = "brakes.json";
    static final String NOVA = "nova.json";
    /** With out-of-band fencing: every call each host's BMC received, from its own log (absent: none). */
    static final String BMC = "bmc.json";

    RecordedRun {
        log = List.copyOf(log);
        history = List.copyOf(history);
        brakes = List.copyOf(brakes);
        nova = List.copyOf(nova);
        bmc = List.copyOf(bmc);
    }

    /** Writes the history, brake records and Nova calls beside the nemesis log already in {@code dir}. */
    void writeBeside(Path dir) throws IOException {
        ObjectMapper m = Json.mapper();
        Files.write(dir.resolve(HISTORY), m.writerWithDefaultPrettyPrinter().writeValueAsBytes(history));
        Files.write(dir.resolve(BRAKES), m.writerWithDefaultPrettyPrinter().writeValueAsBytes(brakes));
        Files.write(dir.resolve(NOVA), m.writerWithDefaultPrettyPrinter().writeValueAsBytes(nova));
        Files.write(dir.resolve(BMC), m.writerWithDefaultPrettyPrinter().writeValueAsBytes(bmc));
    }

    /** Reads a run recorded in {@code dir}; a file missing or malformed is an error naming it. */
    static RecordedRun read(Path dir) throws IOException {
        ObjectMapper m = Json.mapper();
        return new RecordedRun(NemesisLog.read(dir.resolve(LOG)),
                m.readValue(existing(dir, HISTORY), new TypeReference<List<Verdict>>() { }),
                m.readValue(existing(dir, BRAKES), new TypeReference<List<BrakeRecord>>() { }),
                m.readValue(existing(dir, NOVA), new TypeReference<List<NovaCall>>() { }),
                Files.exists(dir.resolve(BMC)) ? m.readValue(existing(dir, BMC), new TypeReference<List<BmcCall>>() { })
                        : List.of());
    }

    private static byte[] existing(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new IOException("recorded run " + dir + " has no " + name);
        }
        return Files.readAllBytes(p);
    }

    HistoryChecker.Result check(HistoryChecker.Bounds bounds) {
        return new HistoryChecker(bounds).check(log, history, brakes, nova, bmc);
    }
}
