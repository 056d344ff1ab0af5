package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tables, colours and the lines of {@code watch}, without any service. */
@Timeout(10)
class OutputFormatTest {
    private static Verdict verdict(State state, boolean actionable, List<String> holds, String reason) {
        return new Verdict("compute", "h1", "10.0.0.1", state, reason, Instant.parse("2026-11-24T12:00:00Z"),
                actionable, null, "inc", 2, null, Instant.parse("2026-11-24T12:00:01.250Z"), holds);
    }

    @Test
    void coloursAreAddedAfterPaddingSoColumnsStayAligned() {
        Style ansi = Style.of(true);
        Table table = new Table("HOST", "STATE", "REASON")
                .row(List.of("h1", "RUNNING", "fine"), Arrays.asList(null, ansi.code(State.RUNNING, false)))
                .row(List.of("host-long", "DEAD*", "gone\nnext line"), Arrays.asList(null, ansi.code(State.DEAD, true)));
        StringWriter plain = new StringWriter();
        table.print(new PrintWriter(plain), Style.PLAIN);
        assertThat(plain.toString().lines()).containsExactly("HOST       STATE    REASON", "h1         RUNNING  fine",
                "host-long  DEAD*    gone\\nnext line");
        StringWriter coloured = new StringWriter();
        table.print(new PrintWriter(coloured), ansi);
        assertThat(coloured.toString()).contains("\u001b[32mRUNNING\u001b[0m", "\u001b[1m\u001b[31mDEAD*  \u001b[0m");
        assertThat(coloured.toString().replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain.toString());
    }

    @Test
    void watchPrintsTransitionsOnlyUnlessAll() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        WatchPrinter printer = new WatchPrinter(new PrintWriter(out), new PrintWriter(err), Style.PLAIN, false, false,
                true);
        Verdict running = verdict(State.RUNNING, false, null, "heartbeat present");
        Verdict reworded = verdict(State.RUNNING, false, null, "heartbeat present; storage FRESH");
        Verdict dead = verdict(State.DEAD, true, null, "host down");
        Verdict held = verdict(State.DEAD, false, List.of("BRAKE"), "host down; held");
        printer.verdictChanged(null, running);
        printer.verdictChanged(running, reworded);
        printer.verdictChanged(reworded, dead);
        printer.verdictChanged(dead, held);
        printer.memberLeft(new MemberRegistration("compute", "h1", "10.0.0.1", "inc", Instant.EPOCH, true, 1000, "t"));
        printer.connectionChanged(ConnectionState.SUSPENDED);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("2026-11-24T12:00:01.250Z  compute/h1  new -> RUNNING  heartbeat present");
        assertThat(lines.get(1)).isEqualTo("2026-11-24T12:00:01.250Z  compute/h1  RUNNING -> DEAD [actionable]  host down");
        assertThat(lines.get(2)).isEqualTo("2026-11-24T12:00:01.250Z  compute/h1  DEAD [actionable] -> DEAD [held: BRAKE]"
                + "  host down; held");
        assertThat(lines.get(3)).endsWith("compute/h1  left (graceful stop)");
        assertThat(err.toString()).contains("ZooKeeper connection SUSPENDED");

        StringWriter every = new StringWriter();
        WatchPrinter all = new WatchPrinter(new PrintWriter(every), new PrintWriter(err), Style.PLAIN, false, true,
                false);
        all.verdictChanged(running, reworded);
        assertThat(every.toString()).contains("RUNNING -> RUNNING  heartbeat present; storage FRESH");
    }

    @Test
    void watchJsonIsOneObjectPerLine() {
        StringWriter out = new StringWriter();
        WatchPrinter printer = new WatchPrinter(new PrintWriter(out), new PrintWriter(new StringWriter()),
                Style.PLAIN, true, false, false);
        printer.verdictChanged(verdict(State.SUSPECT, false, null, "probing"), verdict(State.DEAD, true, null, "down"));
        assertThat(out.toString().lines()).singleElement().asString()
                .startsWith("{\"event\":\"verdict\",\"at\":\"2026-11-24T12:00:01.250Z\",\"group\":\"compute\","
                        + "\"host\":\"h1\",\"from\":\"SUSPECT\",\"to\":\"DEAD\",\"actionable\":true,\"verdict\":{")
                .contains("\"reason\":\"down\"");
    }

    @Test
    void agesReadAtAGlance() {
        Instant now = Instant.parse("2026-11-24T12:00:00Z");
        assertThat(VerdictText.ago(now.minusSeconds(5), now)).isEqualTo("5s ago");
        assertThat(VerdictText.ago(now.minusSeconds(300), now)).isEqualTo("5m ago");
        assertThat(VerdictText.ago(now.minusSeconds(7200), now)).isEqualTo("2h ago");
        assertThat(VerdictText.ago(now.minusSeconds(3 * 86_400), now)).isEqualTo("3d ago");
        assertThat(VerdictText.ago(now.plusSeconds(3), now)).isEqualTo("just now");
        assertThat(VerdictText.since(null, now)).isEqualTo("-");
    }
}
