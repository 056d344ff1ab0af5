package io.hostwatch.acceptance.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.acceptance.soak.HistoryChecker.NovaCall;
import io.hostwatch.acceptance.soak.NemesisEvent.Phase;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checker on hand-made histories: right ones pass, each kind of wrong one names host, time and rule. */
@Timeout(10)
class HistoryCheckerTest {
    static final Instant T0 = Instant.parse("2026-11-30T03:00:00Z");
    static final HistoryChecker.Bounds BOUNDS = new HistoryChecker.Bounds(Duration.ofSeconds(4), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofSeconds(5), false);

    private final List<NemesisEvent> log = new ArrayList<>();
    private final List<Verdict> history = new ArrayList<>();
    private final List<BrakeRecord> brakes = new ArrayList<>();
    private final List<NovaCall> nova = new ArrayList<>();

    static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    private void begin(String... hosts) {
        log.add(NemesisEvent.of(T0, Phase.BEGIN, "soak", String.join(",", hosts)));
        for (String h : hosts) {
            verdict(h, 0, State.RUNNING, false, "i-" + h);
        }
    }

    private void fault(int id, FaultKind kind, String host, double start, double end) {
        log.add(new NemesisEvent(at(start), Phase.START, id, kind, host, null));
        log.add(new NemesisEvent(at(end), Phase.HEAL, id, kind, host, null));
    }

    private void end(double seconds) {
        log.add(NemesisEvent.of(at(seconds), Phase.END, "soak", null));
    }

    private Verdict verdict(String host, double seconds, State state, boolean actionable, String incarnation) {
        Verdict v = new Verdict("soak", host, "198.18.4.2", state, "test", at(seconds), actionable, null, incarnation,
                1, null, at(seconds), null);
        history.add(v);
        return v;
    }

    private final List<HistoryChecker.BmcCall> bmc = new ArrayList<>();
    static final HistoryChecker.Bounds FENCING = new HistoryChecker.Bounds(BOUNDS.session(), BOUNDS.recheck(),
            BOUNDS.ping(), BOUNDS.staleAfter(), BOUNDS.margin(), BOUNDS.agentStart(), BOUNDS.brakeRace(), true);

    private HistoryChecker.Result check(HistoryChecker.Bounds bounds) {
        return new HistoryChecker(bounds).check(log, history, brakes, nova, bmc);
    }

    /** One fencing attempt as the BMC logs it: status, power-off, status. */
    private void bmcPowerOff(String host, double seconds) {
        bmc.add(new HistoryChecker.BmcCall(at(seconds - 0.3), host, "0x20 get power"));
        bmc.add(new HistoryChecker.BmcCall(at(seconds), host, "0x20 set power 0"));
        bmc.add(new HistoryChecker.BmcCall(at(seconds + 0.3), host, "0x20 get power"));
    }

    private void doubleFault(String host, double start, double agentDown, double end) {
        log.add(new NemesisEvent(at(start), Phase.START, 1, FaultKind.ISOLATED_THEN_AGENT_DOWN, host, "cable down"));
        log.add(new NemesisEvent(at(agentDown), Phase.STEP, 1, FaultKind.ISOLATED_THEN_AGENT_DOWN, host, "AGENT_KILL"));
        log.add(new NemesisEvent(at(end), Phase.HEAL, 1, FaultKind.ISOLATED_THEN_AGENT_DOWN, host, null));
    }

    private HistoryChecker.Result check() {
        return check(BOUNDS);
    }

    @Test
    void aPowerLossPublishedDeadThenRunningAgainIsClean() {
        begin("m1", "m2");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 30);
        verdict("m1", 14, State.SUSPECT, false, "i-m1");
        verdict("m1", 15, State.DEAD, true, "i-m1");
        verdict("m1", 36, State.RUNNING, false, "j-m1");
        nova.add(new NovaCall(at(20), "m1", true, 200));
        end(60);

        HistoryChecker.Result r = check();

        assertThat(r.findings()).isEmpty();
        assertThat(r.livenessJudged()).isEqualTo(1);
        assertThat(r.accuracyJudged()).isEqualTo(1);
        assertThat(r.accuracyCorrect()).isEqualTo(1);
        assertThat(r.forceDowns()).isEqualTo(1);
        assertThat(r.faultsByKind()).containsEntry(FaultKind.POWER_LOSS, 1);
        assertThat(r.verdictsByState()).containsEntry("DEAD", 1).containsEntry("RUNNING", 3);
    }

    @Test
    void anIsolatedHostPublishedDeadIsAViolationNamingHostTimeAndRule() {
        begin("m1", "m2");
        fault(1, FaultKind.ISOLATION, "m2", 10, 30);
        verdict("m2", 15, State.SUSPECT, false, "i-m2");
        verdict("m2", 16.5, State.DEAD, true, "i-m2");
        verdict("m2", 33, State.RUNNING, false, "i-m2");
        end(60);

        HistoryChecker.Result r = check();

        assertThat(r.violations()).extracting(Finding::rule).contains("safety.live-host", "accuracy");
        Finding f = r.violations().stream().filter(v -> v.rule().equals("safety.live-host")).findFirst().orElseThrow();
        assertThat(f.host()).isEqualTo("m2");
        assertThat(f.at()).isEqualTo(at(16.5));
        assertThat(f.toString()).contains("VIOLATION", "[safety.live-host]", "m2", "2026-11-30T03:00:16.500Z",
                "DEAD (actionable)", "powered on and not fenced", "ISOLATION");
        Finding acc = r.violations().stream().filter(v -> v.rule().equals("accuracy")).findFirst().orElseThrow();
        assertThat(acc.message()).contains("expected ISOLATED", "DEAD");
    }

    @Test
    void aDeadThatTrailsThePowerComingBackByLessThanTheLagIsNotAViolation() {
        begin("m1");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 20);
        verdict("m1", 21, State.DEAD, true, "i-m1");
        verdict("m1", 30, State.RUNNING, false, "j-m1");
        end(60);
        assertThat(check().violations()).isEmpty();
    }

    @Test
    void aDeadLongAfterThePowerCameBackIsAViolation() {
        begin("m1");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 20);
        verdict("m1", 15, State.DEAD, true, "i-m1");
        verdict("m1", 30, State.RUNNING, false, "j-m1");
        verdict("m1", 40, State.DEAD, false, "j-m1");
        verdict("m1", 50, State.RUNNING, false, "j-m1");
        end(60);
        assertThat(check().violations()).extracting(Finding::rule, Finding::at)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("safety.live-host", at(40)));
    }

    @Test
    void anIsolatedHostWhoseAgentThenDiesIsItsOwnClassUnlessFencingIsConfigured() {
        begin("m1");
        log.add(new NemesisEvent(at(10), Phase.START, 1, FaultKind.ISOLATED_THEN_AGENT_DOWN, "m1", "cable down"));
        log.add(new NemesisEvent(at(22), Phase.STEP, 1, FaultKind.ISOLATED_THEN_AGENT_DOWN, "m1", "AGENT_KILL"));
        log.add(new NemesisEvent(at(40), Phase.HEAL, 1, FaultKind.ISOLATED_THEN_AGENT_DOWN, "m1", null));
        verdict("m1", 16, State.ISOLATED, false, "i-m1");
        verdict("m1", 26, State.DEAD, true, "i-m1");
        verdict("m1", 45, State.RUNNING, false, "j-m1");
        end(60);

        HistoryChecker.Result r = check();
        assertThat(r.violations()).isEmpty();
        assertThat(r.indistinguishable()).singleElement().satisfies(f -> {
            assertThat(f.host()).isEqualTo("m1");
            assertThat(f.at()).isEqualTo(at(26));
        });

        HistoryChecker.Bounds fencing = new HistoryChecker.Bounds(BOUNDS.session(), BOUNDS.recheck(), BOUNDS.ping(),
                BOUNDS.staleAfter(), BOUNDS.margin(), BOUNDS.agentStart(), BOUNDS.brakeRace(), true);
        assertThat(check(fencing).violations()).extracting(Finding::rule).containsExactly("safety.live-host");
    }

    @Test
    void withFencingTheDoubleFaultHeldUntilTheBmcPoweredTheHostOffIsSafe() {
        begin("m1");
        doubleFault("m1", 10, 22, 40);
        verdict("m1", 16, State.ISOLATED, false, "i-m1");
        verdict("m1", 26, State.DEAD, false, "i-m1");
        bmcPowerOff("m1", 29);
        verdict("m1", 29.5, State.DEAD, true, "i-m1");
        log.add(NemesisEvent.of(at(40), Phase.POWER_ON, "m1", "operator powered the host on"));
        verdict("m1", 45, State.RUNNING, false, "j-m1");
        end(60);

        HistoryChecker.Result r = check(FENCING);

        assertThat(r.findings()).isEmpty();
        assertThat(r.heldForFencing()).isEqualTo(1);
        assertThat(r.powerOffs()).isEqualTo(1);
        assertThat(r.bmcCalls()).isEqualTo(3);
    }

    @Test
    void withFencingAnActionableVerdictBeforeTheBmcsPowerOffIsAViolationNamingHostTimeAndRule() {
        begin("m1");
        doubleFault("m1", 10, 22, 40);
        verdict("m1", 26, State.DEAD, false, "i-m1");
        verdict("m1", 27, State.DEAD, true, "i-m1"); // FENCED without a confirmed power-off
        bmcPowerOff("m1", 29);
        log.add(NemesisEvent.of(at(40), Phase.POWER_ON, "m1", "operator powered the host on"));
        verdict("m1", 45, State.RUNNING, false, "j-m1");
        end(60);

        assertThat(check(FENCING).violations()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("safety.live-host");
            assertThat(f.host()).isEqualTo("m1");
            assertThat(f.at()).isEqualTo(at(27));
            assertThat(f.toString()).contains("DEAD (actionable)", "powered on and not fenced",
                    "ISOLATED_THEN_AGENT_DOWN");
        });
    }

    @Test
    void withFencingAnIsolatedHostPoweredOffByItsBmcIsJudgedByItsVerdictBeforeThePowerOff() {
        begin("m2");
        fault(1, FaultKind.ISOLATION, "m2", 10, 40);
        verdict("m2", 15, State.ISOLATED, false, "i-m2");
        bmcPowerOff("m2", 20);
        verdict("m2", 21, State.DEAD, true, "i-m2");
        log.add(NemesisEvent.of(at(40), Phase.POWER_ON, "m2", "operator powered the host on"));
        verdict("m2", 48, State.RUNNING, false, "j-m2");
        end(60);

        HistoryChecker.Result r = check(FENCING);

        assertThat(r.findings()).isEmpty();
        assertThat(r.accuracyJudged()).isEqualTo(1);
        assertThat(r.accuracyCorrect()).isEqualTo(1);
    }

    @Test
    void aSecondPowerOffWithoutAPowerOnBetweenIsAViolation() {
        begin("m2");
        fault(1, FaultKind.ISOLATION, "m2", 10, 40);
        verdict("m2", 15, State.ISOLATED, false, "i-m2");
        bmcPowerOff("m2", 20);
        bmcPowerOff("m2", 30);
        log.add(NemesisEvent.of(at(40), Phase.POWER_ON, "m2", "operator powered the host on"));
        bmcPowerOff("m2", 50);
        verdict("m2", 48, State.RUNNING, false, "j-m2");
        end(60);

        assertThat(check(FENCING).violations()).extracting(Finding::rule, Finding::host, Finding::at)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("safety.power-off-once", "m2", at(30)));
    }

    @Test
    void noBmcCallBeginsWhileTheBrakeIsEngagedButOneBegunBeforeMayFinish() {
        begin("m1", "m2");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 40);
        fault(2, FaultKind.POWER_LOSS, "m2", 10, 40);
        bmcPowerOff("m1", 16.2); // began at 15.9, the brake engaged at 16: it may finish
        brakes.add(new BrakeRecord("soak", true, at(16), 4, 6, "mass failure", null));
        bmc.add(new HistoryChecker.BmcCall(at(25), "m2", "0x20 get power"));
        end(60);

        assertThat(check(FENCING).violations()).filteredOn(f -> f.rule().startsWith("safety.bmc"))
                .extracting(Finding::rule, Finding::host, Finding::at)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("safety.bmc-brake", "m2", at(25)));
    }

    @Test
    void aFencedIsolatedHostMayBeActionableUntilItsNetworkHeals() {
        begin("m1");
        fault(1, FaultKind.ISOLATION_FENCED, "m1", 10, 40);
        log.add(NemesisEvent.of(at(18), Phase.FENCE, "m1", "isolation response ran"));
        verdict("m1", 15, State.ISOLATED, false, "i-m1");
        verdict("m1", 19, State.ISOLATED, true, "i-m1");
        verdict("m1", 42, State.RUNNING, false, "i-m1");
        end(60);
        assertThat(check().violations()).isEmpty();
    }

    @Test
    void anActionableIsolatedHostThatNeverFencedIsAViolation() {
        begin("m1");
        fault(1, FaultKind.ISOLATION_FENCED, "m1", 10, 40);
        verdict("m1", 19, State.ISOLATED, true, "i-m1");
        verdict("m1", 42, State.RUNNING, false, "i-m1");
        end(60);
        assertThat(check().violations()).extracting(Finding::rule).containsExactly("safety.live-host");
    }

    @Test
    void actionableWhileTheBrakeIsEngagedOrJustBeforeItEngagesIsAViolation() {
        begin("m1", "m2");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 40);
        fault(2, FaultKind.POWER_LOSS, "m2", 10, 40);
        verdict("m1", 15, State.DEAD, true, "i-m1");
        verdict("m2", 19, State.DEAD, true, "i-m2");
        brakes.add(new BrakeRecord("soak", true, at(17), 4, 6, "mass failure", null));
        verdict("m1", 45, State.RUNNING, false, "j-m1");
        verdict("m2", 45, State.RUNNING, false, "j-m2");
        end(60);

        assertThat(check().violations()).extracting(Finding::rule, Finding::host).containsExactly(
                org.assertj.core.groups.Tuple.tuple("safety.brake-race", "m1"),
                org.assertj.core.groups.Tuple.tuple("safety.brake", "m2"));
    }

    @Test
    void aFencedHostActionableJustBeforeABrakeIsARaceOnlyWhenItsLossWasPartOfIt() {
        begin("m1", "m2", "m3", "m4");
        fault(1, FaultKind.ISOLATION_FENCED, "m1", 10, 40);
        log.add(NemesisEvent.of(at(18), Phase.FENCE, "m1", "isolation response ran"));
        verdict("m1", 12, State.SUSPECT, false, "i-m1");
        verdict("m1", 13, State.ISOLATED, false, "i-m1");
        verdict("m1", 19, State.ISOLATED, true, "i-m1");
        fault(2, FaultKind.ISOLATION_FENCED, "m2", 15, 40);
        log.add(NemesisEvent.of(at(18.5), Phase.FENCE, "m2", "isolation response ran"));
        verdict("m2", 16, State.SUSPECT, false, "i-m2");
        verdict("m2", 19.5, State.ISOLATED, true, "i-m2");
        // The brake engages at 20: m1's loss began 8 s before (a threshold reached later), m2's 4 s before.
        brakes.add(new BrakeRecord("soak", true, at(20), 3, 4, "mass failure", null));
        verdict("m1", 42, State.RUNNING, false, "i-m1");
        verdict("m2", 42, State.RUNNING, false, "i-m2");
        end(60);

        assertThat(check().violations()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("safety.brake-race");
            assertThat(f.host()).isEqualTo("m2");
            assertThat(f.at()).isEqualTo(at(19.5));
            assertThat(f.message()).contains("500 ms before the group's brake engaged",
                    "loss that began 4000 ms before it");
        });
    }

    @Test
    void aSecondForceDownForTheSameIncarnationIsAViolation() {
        begin("m1");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 40);
        verdict("m1", 15, State.DEAD, true, "i-m1");
        verdict("m1", 45, State.RUNNING, false, "j-m1");
        nova.add(new NovaCall(at(20), "m1", true, 200));
        nova.add(new NovaCall(at(25), "m1", true, 200));
        nova.add(new NovaCall(at(46), "m1", false, 200));
        end(60);
        assertThat(check().violations()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("safety.nova-once");
            assertThat(f.at()).isEqualTo(at(25));
            assertThat(f.message()).contains("i-m1");
        });
    }

    @Test
    void aForceDownAfterAnAcceptedForceUpIsANewEpisodeOfTheSameIncarnation() {
        begin("m1");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 40);
        verdict("m1", 15, State.DEAD, true, "i-m1");
        verdict("m1", 45, State.RUNNING, false, "i-m1");
        fault(2, FaultKind.POWER_LOSS, "m1", 50, 80);
        verdict("m1", 55, State.DEAD, true, "i-m1");
        verdict("m1", 85, State.RUNNING, false, "i-m1");
        nova.add(new NovaCall(at(20), "m1", true, 200));
        nova.add(new NovaCall(at(46), "m1", false, 200));
        nova.add(new NovaCall(at(60), "m1", true, 200));
        nova.add(new NovaCall(at(61), "m1", true, 200));
        end(100);
        assertThat(check().violations()).filteredOn(f -> f.rule().equals("safety.nova-once"))
                .singleElement().satisfies(f -> assertThat(f.at()).isEqualTo(at(61)));
    }

    @Test
    void aHostPoweredOffLongWithoutDeadAndAHostNotBackToRunningAreLivenessViolations() {
        begin("m1", "m2");
        fault(1, FaultKind.POWER_LOSS, "m1", 10, 40);
        verdict("m1", 15, State.SERVICE_UNREACHABLE, false, "i-m1");
        verdict("m1", 45, State.RUNNING, false, "j-m1");
        fault(2, FaultKind.AGENT_CRASH, "m2", 10, 40);
        verdict("m2", 15, State.SERVICE_UNREACHABLE, false, "i-m2");
        end(60);
        assertThat(check().violations()).extracting(Finding::rule, Finding::host).contains(
                org.assertj.core.groups.Tuple.tuple("liveness.dead", "m1"),
                org.assertj.core.groups.Tuple.tuple("liveness.running", "m2"));
    }

    @Test
    void faultsOnTheCoordinationLayerExcuseLateVerdictsButNeverAWrongDead() {
        begin("m1");
        fault(1, FaultKind.QUORUM_LOSS, "zookeeper", 5, 20);
        fault(2, FaultKind.POWER_LOSS, "m1", 10, 25);
        fault(3, FaultKind.AGENT_FREEZE, "m1", 40, 55);
        verdict("m1", 41, State.DEAD, false, "j-m1");
        verdict("m1", 57, State.RUNNING, false, "j-m1");
        end(80);
        HistoryChecker.Result r = check();
        assertThat(r.livenessJudged()).as("the power loss was in the quorum loss' shadow").isZero();
        assertThat(r.violations()).extracting(Finding::rule).containsExactlyInAnyOrder("safety.live-host", "accuracy");
    }

    @Test
    void aLogWithoutABeginLineIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN");
    }
}
