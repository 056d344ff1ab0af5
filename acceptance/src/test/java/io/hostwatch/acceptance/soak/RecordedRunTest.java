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
 *
 * <p>With out-of-band fencing (a real BMC per host): 50 s of seed 7 on a build whose fencer
 * records the power confirmed off without asking the BMC ({@code
 * broken-fencer-confirms-without-power-off/fencer.patch}, scratch copy only), which must fail
 * naming host, time and rule; and the CI soak (seed 709, 120 s) on the real build, which must pass.
 */
@Timeout(30)
class RecordedRunTest {
    /** The bounds SoakIT judged both runs with (session timeout 4 s, recheck 1 s). */
    static final HistoryChecker.Bounds SOAK = new HistoryChecker.Bounds(Duration.ofSeconds(4), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(20),
            Duration.ofSeconds(2), false);
    /** The same with out-of-band fencing, as SoakIT judges by default. */
    static final HistoryChecker.Bounds FENCING = new HistoryChecker.Bounds(SOAK.session(), SOAK.recheck(), SOAK.ping(),
            SOAK.staleAfter(), SOAK.margin(), SOAK.agentStart(), SOAK.brakeRace(), true);

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

    @Test
    void withFencingABuildWhoseFencerConfirmsWithoutAPowerOffFailsTheSoakNamingHostTimeAndRule() throws Exception {
        RecordedRun run = RecordedRun.read(recorded("broken-fencer-confirms-without-power-off"));
        HistoryChecker.Result r = run.check(FENCING);

        assertThat(run.bmc()).as("the broken fencer never called a BMC").isEmpty();
        assertThat(r.violations()).extracting(Finding::rule).containsOnly("safety.live-host");
        assertThat(r.violations()).extracting(Finding::host).containsExactlyInAnyOrder("m6", "m3", "m1", "m4");
        // m6: ISOLATION, agent alive, no isolation response: actionable ISOLATED ("FENCED") while it ran.
        Finding m6 = r.violations().stream().filter(f -> f.host().equals("m6")).findFirst().orElseThrow();
        assertThat(m6.at()).isEqualTo(Instant.parse("2026-11-30T09:18:12.743196645Z"));
        assertThat(m6.toString()).contains("VIOLATION [safety.live-host] m6 at 2026-11-30T09:18:12.743196645Z",
                "published ISOLATED (actionable)", "while the host was powered on and not fenced",
                "#1 ISOLATION m6 2026-11-30T09:18:04.531644366Z..2026-11-30T09:18:22.523698446Z");
        // m1: the double fault (isolated, agent stopped 1 s later): DEAD actionable with no power-off at all.
        Finding m1 = r.violations().stream().filter(f -> f.host().equals("m1")).findFirst().orElseThrow();
        assertThat(m1.at()).isEqualTo(Instant.parse("2026-11-30T09:18:41.685092677Z"));
        assertThat(m1.message()).contains("published DEAD (actionable)", "ISOLATED_THEN_AGENT_DOWN");
        assertThat(r.heldForFencing()).isEqualTo(2);

        // Without fencing the same history is judged differently: the double fault is a class of its own.
        assertThat(run.check(SOAK).indistinguishable()).extracting(Finding::host).contains("m1");
    }

    @Test
    void withFencingTheCiSoakOnTheRealBuildPassesWithEveryPowerOffBeforeItsActionableVerdict() throws Exception {
        RecordedRun run = RecordedRun.read(recorded("seed-709-fencing"));
        HistoryChecker.Result r = run.check(FENCING);

        assertThat(r.findings()).isEmpty();
        assertThat(r.faultsByKind()).hasSize(FaultKind.values().length);
        assertThat(r.powerOffs()).isEqualTo(3);
        assertThat(r.heldForFencing()).isEqualTo(2);
        assertThat(run.bmc()).filteredOn(HistoryChecker.BmcCall::powerOff).extracting(HistoryChecker.BmcCall::host)
                .containsExactly("m6", "m1", "m3");
        // Judged as if the BMCs had never been called, the fenced actionable verdicts are violations.
        RecordedRun withoutBmc = new RecordedRun(run.log(), run.history(), run.brakes(), run.nova(), List.of());
        assertThat(withoutBmc.check(FENCING).violations()).extracting(Finding::rule).contains("safety.live-host");
    }

    /**
     * 20 minutes of seed 7 with fencing on the real build: one violation, a race of the product
     * (the fencer's attempt, decided as the brake engaged, read a BMC's power state 69 ms after the
     * engagement; nothing sent, nothing actionable during the brake). The checker must keep finding it.
     */
    @Test
    void twentyMinutesWithFencingFindTheFencersStatusReadRacingTheBrake() throws Exception {
        RecordedRun run = RecordedRun.read(recorded("seed-7-20m-fencing"));
        HistoryChecker.Result r = run.check(FENCING);

        assertThat(r.violations()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("safety.bmc-brake");
            assertThat(f.host()).isEqualTo("m4");
            assertThat(f.at()).isEqualTo(Instant.parse("2026-11-30T09:50:18.625Z"));
            assertThat(f.message()).contains("0x20 get power", "2026-11-30T09:50:18.556585814Z");
        });
        assertThat(r.faultsByKind()).hasSize(FaultKind.values().length);
        assertThat(r.powerOffs()).isEqualTo(24);
        assertThat(r.heldForFencing()).isEqualTo(20);
        assertThat(r.accuracyJudged()).isEqualTo(22);
        assertThat(r.accuracyCorrect()).isEqualTo(22);
    }
}
