package io.hostwatch.acceptance.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.State;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker on real soaks recorded by {@link SoakIT}. Two of seed 7, 45 s, the same schedule: one
 * of a deliberately broken build whose classifier published every unfenced {@code ISOLATED} host
 * as {@code DEAD}, actionable ({@code broken-isolated-as-dead/classifier.patch}, applied to a
 * scratch copy only), and one of the real build. The broken run must fail naming host, time, verdict
 * and what the nemesis had done; the real one must pass. And 300 s of seed 7 on the real build.
 */
@Timeout(30)
class RecordedRunTest {
    /** The bounds SoakIT judged both runs with (session timeout 4 s, recheck 1 s). */
    static final HistoryChecker.Bounds SOAK = new HistoryChecker.Bounds(Duration.ofSeconds(4), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(20),
            Duration.ofSeconds(2), false);

    static Path recorded(String name) throws URISyntaxException {
        return Path.of(RecordedRunTest.class.getResource(name).toURI());
    }

    @Test
    void aBuildThatPublishesAnIsolatedHostAsDeadFailsTheSoakNamingHostTimeVerdictAndFault() throws Exception {
        HistoryChecker.Result r = RecordedRun.read(recorded("broken-isolated-as-dead")).check(SOAK);

        assertThat(r.violations()).isNotEmpty();
        assertThat(r.violations()).extracting(Finding::host).containsOnly("m3", "m5", "m6");
        // m6 has no isolation response: its ISOLATION alone was published DEAD, then DEAD actionable.
        Finding m6 = r.violations().stream().filter(f -> f.host().equals("m6") && f.rule().equals("safety.live-host")
                && f.message().contains("DEAD (actionable)")).findFirst().orElseThrow();
        assertThat(m6.at()).isEqualTo(Instant.parse("2026-11-30T05:54:02.562536428Z"));
        assertThat(m6.toString()).contains("VIOLATION [safety.live-host] m6 at 2026-11-30T05:54:02.562536428Z",
                "published DEAD (actionable)", "while the host was powered on and not fenced",
                "#1 ISOLATION m6 2026-11-30T05:53:57.520031125Z..2026-11-30T05:54:15.513095952Z");
        assertThat(r.violations()).filteredOn(f -> f.rule().equals("accuracy")).singleElement()
                .satisfies(f -> assertThat(f.toString()).contains("m6", "expected ISOLATED",
                        "the fault's verdict was DEAD"));
        // m3 and m5 fence themselves 3 s into their isolation; the broken build judged them DEAD before that.
        assertThat(r.violations()).filteredOn(f -> f.host().equals("m3") || f.host().equals("m5"))
                .allSatisfy(f -> {
                    assertThat(f.rule()).isEqualTo("safety.live-host");
                    assertThat(f.message()).contains("published DEAD", "ISOLATION_FENCED");
                })
                .extracting(Finding::host).contains("m3", "m5");
        assertThat(r.accuracyJudged()).isEqualTo(1);
        assertThat(r.accuracyCorrect()).isZero();
    }

    @Test
    void theSameScheduleOnTheRealBuildPasses() throws Exception {
        RecordedRun run = RecordedRun.read(recorded("seed-7-clean"));
        HistoryChecker.Result r = run.check(SOAK);

        assertThat(r.findings()).isEmpty();
        assertThat(r.accuracyJudged()).isEqualTo(1);
        assertThat(r.accuracyCorrect()).isEqualTo(1);
        assertThat(run.history()).filteredOn(v -> v.host().equals("m6")).extracting(v -> v.state())
                .contains(State.ISOLATED).doesNotContain(State.DEAD);
        assertThat(r.faultsByKind()).containsEntry(FaultKind.ISOLATION, 1).containsEntry(FaultKind.ISOLATION_FENCED, 2)
                .containsEntry(FaultKind.POWER_LOSS, 1).containsEntry(FaultKind.LEADER_PAUSE, 1);
    }

    /**
     * 300 s of seed 7 on the real build: every kind of fault, the brake engaged six times. {@code m5}
     * fenced itself and was published actionable ISOLATED 1050 ms before the brake engaged, 6 s after
     * its loss began: a loss the settle window had no reason to hold, not one of those that engaged it.
     */
    @Test
    void fiveMinutesOfEveryFaultOnTheRealBuildPassIncludingAFencedHostActionableJustBeforeABrake() throws Exception {
        RecordedRun run = RecordedRun.read(recorded("seed-7-300s"));
        HistoryChecker.Result r = run.check(SOAK);

        assertThat(r.violations()).isEmpty();
        assertThat(r.indistinguishable()).extracting(Finding::host).containsExactly("m4", "m4");
        assertThat(r.faultsByKind()).hasSize(FaultKind.values().length);
        assertThat(r.accuracyJudged()).isEqualTo(4);
        assertThat(r.accuracyCorrect()).isEqualTo(4);
        Instant engaged = Instant.parse("2026-11-30T06:03:50.554846478Z");
        assertThat(run.brakes()).extracting(b -> b.engagedAt()).contains(engaged);
        assertThat(run.history()).anySatisfy(v -> {
            assertThat(v.host()).isEqualTo("m5");
            assertThat(v.actionable()).isTrue();
            assertThat(v.updatedAt()).isEqualTo(Instant.parse("2026-11-30T06:03:49.503890794Z"));
        });
    }

    @Test
    void aRecordedRunWithAFileMissingIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path from = recorded("seed-7-clean");
        for (String f : List.of(RecordedRun.LOG, RecordedRun.HISTORY, RecordedRun.NOVA)) {
            Files.copy(from.resolve(f), dir.resolve(f));
        }
        assertThatThrownBy(() -> RecordedRun.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(RecordedRun.BRAKES);
    }
}
