package io.hostwatch.service.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group state machine of a fenced group, walked by hand like {@link GroupStateMachineTest}:
 * a {@code DEAD} (or unfenced {@code ISOLATED}) verdict is held {@code FENCING} until the member's
 * fencing record confirms the power off, then {@code FENCED} and actionable; a failed attempt holds
 * it {@code FENCING_FAILED} with the reason; the brake and maintenance hold it whatever the record
 * says. The fencing records are events ({@link GroupStateMachine#fencing(MemberId, FencingAction)}),
 * as the detector loop feeds them from its cache.
 */
@Timeout(10)
class GroupStateMachineFencingTest {
    private static final String G = "compute";
    private static final long SESSION = 6_000;
    private static final GroupStateMachine.Rules RULES = new GroupStateMachine.Rules(SESSION, 3_000, 0.5, 3, 60_000,
            3, 600_000, 300_000, 0);

    private final GroupStateMachineTest.ManualTime time = new GroupStateMachineTest.ManualTime();

    private GroupStateMachine machine(boolean fenced, Map<MemberId, FencingAction> records) {
        GroupStateMachine m = new GroupStateMachine(G, 1, RULES, time, time, time.millis);
        m.fencing(fenced, records);
        return m;
    }

    private static MemberRegistration reg(String host) {
        return new MemberRegistration(G, host, "192.0.2." + (host.hashCode() & 0x7f), "inc-" + host,
                Instant.EPOCH, false, 1000, "test");
    }

    private Evidence.Ping ping(SignalStatus.Ping s) {
        return new Evidence.Ping(s, time.instant(), "icmp", null, "test");
    }

    private Evidence.Storage storage(SignalStatus.Storage s, StorageFlag... flags) {
        return new Evidence.Storage(s, time.instant(), 7L, Set.of(flags), 5_000L, null, "test");
    }

    /** Marks every publish durable and returns the verdicts published. */
    private static List<Verdict> publish(GroupStateMachine m, List<Effect> effects) {
        List<Verdict> out = new ArrayList<>();
        effects.stream().filter(Effect.Publish.class::isInstance).map(Effect.Publish.class::cast).forEach(p -> {
            m.published(p.verdict());
            out.add(p.verdict());
        });
        return out;
    }

    private void join(GroupStateMachine m, String... hosts) {
        for (String h : hosts) {
            assertThat(publish(m, m.joined(reg(h), storage(SignalStatus.Storage.FRESH))))
                    .singleElement().extracting(Verdict::state).isEqualTo(State.RUNNING);
        }
    }

    /** Heartbeat lost, ping FAIL and storage {@code storage}: the verdict published on that evidence. */
    private Verdict lost(GroupStateMachine m, String host, SignalStatus.Storage storage, StorageFlag... flags) {
        publish(m, m.left(reg(host)));
        time.advance(1_000);
        List<Verdict> v = publish(m, m.evidence(MemberId.of(G, host), ping(SignalStatus.Ping.FAIL),
                storage(storage, flags)));
        assertThat(v).isNotEmpty();
        return v.get(v.size() - 1);
    }

    private FencingAction record(String host, FencingAction.Status status, String error, boolean alreadyOff,
                                 String incarnation) {
        Instant now = time.instant();
        boolean confirmed = status == FencingAction.Status.CONFIRMED;
        return new FencingAction(G, host, incarnation, "ipmi-lanplus", "10.0.0.9:623", status, State.DEAD,
                confirmed ? SignalStatus.Power.OFF : SignalStatus.Power.UNKNOWN,
                confirmed ? "Chassis Power is off" : null, alreadyOff ? "NONE" : "FORCE_OFF", alreadyOff ? 0 : 1,
                alreadyOff, 1, error, now.minusSeconds(2), now, error == null ? null : now.plusSeconds(2),
                confirmed ? now : null, 1, now);
    }

    private static Verdict last(List<Verdict> published) {
        assertThat(published).as("a verdict is published").isNotEmpty();
        return published.get(published.size() - 1);
    }

    @Test
    void deadIsHeldFencingUntilThePowerIsConfirmedOffThenFencedAndActionable() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        Verdict held = lost(m, "a", SignalStatus.Storage.STALE);
        assertThat(held.state()).isEqualTo(State.DEAD);
        assertThat(held.actionable()).isFalse();
        assertThat(held.holds()).containsExactly(Verdict.HOLD_FENCING);
        assertThat(held.safeToRecoverAt()).as("no recovery time before the power is off").isNull();

        // The intent is recorded: still held, the reason says the power-off is under way.
        time.advance(2_000);
        Verdict pending = last(publish(m, m.fencing(a, record("a", FencingAction.Status.PENDING, null, false,
                "inc-a"))));
        assertThat(pending.actionable()).isFalse();
        assertThat(pending.holds()).containsExactly(Verdict.HOLD_FENCING);
        assertThat(pending.reason()).contains("powering the host off through its BMC");

        // The BMC confirms the power off.
        time.advance(1_000);
        FencingAction confirmed = record("a", FencingAction.Status.CONFIRMED, null, false, "inc-a");
        Verdict fenced = last(publish(m, m.fencing(a, confirmed)));
        assertThat(fenced.state()).isEqualTo(State.DEAD);
        assertThat(fenced.actionable()).isTrue();
        assertThat(fenced.holds()).isNull();
        assertThat(fenced.reason()).contains("FENCED");
        assertThat(fenced.safeToRecoverAt()).isEqualTo(confirmed.confirmedAt());
        assertThat(fenced.evidence().power().fenced()).isTrue();
        assertThat(fenced.evidence().power().status()).isEqualTo(SignalStatus.Power.OFF);
        assertThat(fenced.evidence().power().action()).isEqualTo("FORCE_OFF");

        // A recheck keeps it so (the record is the member's, not an event to be consumed).
        time.advance(5_000);
        publish(m, m.recheck(id -> null));
        assertThat(m.verdict(a).orElseThrow().actionable()).isTrue();
    }

    @Test
    void aFailedAttemptHoldsFencingFailedWithTheReasonAndNeverActionable() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        lost(m, "a", SignalStatus.Storage.STALE);
        Verdict failed = last(publish(m, m.fencing(a, record("a", FencingAction.Status.PENDING,
                "no answer from the BMC at 10.0.0.9:623 within 3000 ms", false, "inc-a"))));
        assertThat(failed.state()).isEqualTo(State.DEAD);
        assertThat(failed.actionable()).isFalse();
        assertThat(failed.holds()).containsExactly(Verdict.HOLD_FENCING_FAILED);
        assertThat(failed.reason()).contains("fencing failed").contains("no answer from the BMC");
        assertThat(failed.safeToRecoverAt()).isNull();
        assertThat(failed.evidence().power().status()).isEqualTo(SignalStatus.Power.UNKNOWN);
        assertThat(failed.evidence().power().fenced()).isFalse();

        // Still failed on every recheck: never guessed.
        time.advance(30_000);
        publish(m, m.recheck(id -> null));
        Verdict later = m.verdict(a).orElseThrow();
        assertThat(later.actionable()).isFalse();
        assertThat(later.holds()).containsExactly(Verdict.HOLD_FENCING_FAILED);
    }

    @Test
    void aConfirmationForAnotherIncarnationFencesNothing() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        lost(m, "a", SignalStatus.Storage.STALE);
        publish(m, m.fencing(a, record("a", FencingAction.Status.CONFIRMED, null, false, "inc-earlier")));
        Verdict v = m.verdict(a).orElseThrow();
        assertThat(v.actionable()).isFalse();
        assertThat(v.holds()).containsExactly(Verdict.HOLD_FENCING);
    }

    @Test
    void aRecordKnownAtTakeoverIsFollowedFromTheFirstVerdict() {
        FencingAction confirmed = record("a", FencingAction.Status.CONFIRMED, null, false, "inc-a");
        GroupStateMachine m = machine(true, Map.of(MemberId.of(G, "a"), confirmed,
                MemberId.of("other", "a"), record("a", FencingAction.Status.PENDING, "other group", false, "x")));
        join(m, "a", "b", "c", "d", "e", "f");
        Verdict v = lost(m, "a", SignalStatus.Storage.STALE);
        assertThat(v.actionable()).isTrue();
        assertThat(v.reason()).contains("FENCED");
    }

    @Test
    void aBmcThatSaysOffBeforeAnyActionMakesDeadCertain() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        lost(m, "a", SignalStatus.Storage.STALE);
        Verdict v = last(publish(m, m.fencing(MemberId.of(G, "a"), record("a", FencingAction.Status.CONFIRMED,
                null, true, "inc-a"))));
        assertThat(v.actionable()).isTrue();
        assertThat(v.reason()).contains("down for certain");
        assertThat(v.evidence().power().action()).isEqualTo("NONE");
    }

    @Test
    void anUnfencedIsolatedHostIsHeldAndASelfFencedOneIsLeftToItsAgent() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        Verdict isolated = lost(m, "a", SignalStatus.Storage.FRESH, StorageFlag.ISOLATED);
        assertThat(isolated.state()).isEqualTo(State.ISOLATED);
        assertThat(isolated.actionable()).isFalse();
        assertThat(isolated.holds()).containsExactly(Verdict.HOLD_FENCING);

        Verdict selfFenced = lost(m, "b", SignalStatus.Storage.FRESH, StorageFlag.ISOLATED, StorageFlag.FENCED);
        assertThat(selfFenced.state()).isEqualTo(State.ISOLATED);
        assertThat(FencingGate.wantsFencing(selfFenced)).isFalse();
        assertThat(selfFenced.holds()).as("fencing has no say on a self-fenced host").isNull();
        assertThat(selfFenced.actionable()).isTrue();
    }

    @Test
    void theBrakeHoldsAFencedGroupEvenWithThePowerConfirmedOff() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d");
        lost(m, "a", SignalStatus.Storage.STALE);
        lost(m, "b", SignalStatus.Storage.STALE);
        List<Effect> third = m.left(reg("c"));
        assertThat(third).filteredOn(Effect.WriteBrake.class::isInstance).as("3 of 4 lost").hasSize(1);
        publish(m, third);
        MemberId a = MemberId.of(G, "a");
        assertThat(m.verdict(a).orElseThrow().holds()).contains(Verdict.HOLD_BRAKE, Verdict.HOLD_FENCING);

        // Even a confirmation (an attempt that started before the brake) does not make it actionable.
        publish(m, m.fencing(a, record("a", FencingAction.Status.CONFIRMED, null, false, "inc-a")));
        Verdict v = m.verdict(a).orElseThrow();
        assertThat(v.actionable()).isFalse();
        assertThat(v.holds()).contains(Verdict.HOLD_BRAKE);
    }

    @Test
    void maintenanceHoldsFencingAndTheVerdictStaysNonActionable() {
        GroupStateMachine m = machine(true, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        publish(m, m.maintenance(a, new Maintenance(G, "a", "firmware", time.instant(), null)));
        Verdict v = lost(m, "a", SignalStatus.Storage.STALE);
        assertThat(v.state()).isEqualTo(State.MAINTENANCE);
        assertThat(v.actionable()).isFalse();
        assertThat(FencingGate.wantsFencing(v)).as("the fencer is never asked for a member in maintenance")
                .isFalse();
        publish(m, m.fencing(a, record("a", FencingAction.Status.CONFIRMED, null, false, "inc-a")));
        assertThat(m.verdict(a).orElseThrow().actionable()).isFalse();
        assertThat(m.verdict(a).orElseThrow().state()).isEqualTo(State.MAINTENANCE);
    }

    @Test
    void aGroupWithoutFencingIsLeftAsClassified() {
        GroupStateMachine m = machine(false, Map.of());
        join(m, "a", "b", "c", "d", "e", "f");
        Verdict v = lost(m, "a", SignalStatus.Storage.STALE);
        assertThat(v.actionable()).isTrue();
        assertThat(v.holds()).isNull();
        assertThat(m.fencing(MemberId.of(G, "a"), record("a", FencingAction.Status.PENDING, "x", false, "inc-a")))
                .as("a record changes nothing when the group is not fenced").isEmpty();
    }
}
