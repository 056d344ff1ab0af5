package io.hostwatch.service.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The detector's group state machine walked through its scenarios with a manual clock in
 * milliseconds: no ZooKeeper, no threads, no sleeps. Effects are executed by hand, as the loop would.
 */
@Timeout(10)
class GroupStateMachineTest {
    private static final String G = "compute";
    private static final long SESSION = 6_000;
    private static final GroupStateMachine.Rules RULES = new GroupStateMachine.Rules(SESSION, 3_000, 0.5, 3, 60_000,
            3, 600_000, 300_000, 0);

    /** Monotonic milliseconds and a wall clock that move together, by hand. */
    static final class ManualTime extends Clock implements LongSupplier {
        long millis = 1_000_000;
        final Instant base = Instant.parse("2026-11-30T00:00:00Z");

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long getAsLong() {
            return millis;
        }

        @Override
        public Instant instant() {
            return base.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualTime time = new ManualTime();

    private GroupStateMachine machine(GroupStateMachine.Rules rules, long epoch, boolean grace) {
        return new GroupStateMachine(G, epoch, rules, time, time, grace ? time.millis + SESSION : time.millis);
    }

    private static MemberRegistration reg(String host) {
        return new MemberRegistration(G, host, "192.0.2." + (host.hashCode() & 0x7f), "inc-" + host,
                Instant.EPOCH, false, 1000, "test");
    }

    private Evidence.Ping ping(SignalStatus.Ping s) {
        return new Evidence.Ping(s, time.instant(), "icmp", null, "test");
    }

    private Evidence.Storage storage(SignalStatus.Storage s) {
        return new Evidence.Storage(s, time.instant(), 7L, java.util.Set.of(), 5_000L, null, "test");
    }

    private static <T extends Effect> List<T> of(List<Effect> effects, Class<T> type) {
        List<T> out = new ArrayList<>();
        effects.stream().filter(type::isInstance).map(type::cast).forEach(out::add);
        return out;
    }

    /** Marks every publish durable and returns the last verdict of each. */
    private static List<Verdict> publish(GroupStateMachine m, List<Effect> effects) {
        List<Verdict> out = new ArrayList<>();
        for (Effect.Publish p : of(effects, Effect.Publish.class)) {
            m.published(p.verdict());
            out.add(p.verdict());
        }
        return out;
    }

    /** Joins members and marks their RUNNING verdicts durable. */
    private void join(GroupStateMachine m, String... hosts) {
        for (String h : hosts) {
            List<Verdict> v = publish(m, m.joined(reg(h), storage(SignalStatus.Storage.FRESH)));
            assertThat(v).singleElement().extracting(Verdict::state).isEqualTo(State.RUNNING);
        }
    }

    private Verdict dies(GroupStateMachine m, String host) {
        List<Effect> lost = m.left(reg(host));
        assertThat(publish(m, lost)).extracting(Verdict::state).containsExactly(State.SUSPECT);
        assertThat(of(lost, Effect.Probe.class)).singleElement().satisfies(p -> {
            assertThat(p.id().host()).isEqualTo(host);
            assertThat(p.freshAfterMillis()).isEqualTo(time.millis);
        });
        time.advance(1_000);
        List<Verdict> v = publish(m, m.evidence(MemberId.of(G, host), ping(SignalStatus.Ping.FAIL),
                storage(SignalStatus.Storage.STALE)));
        assertThat(v).extracting(Verdict::state).containsExactly(State.DEAD);
        return v.get(0);
    }

    @Test
    void lossPublishesSuspectAtOnceAndDeadOnEvidence() {
        GroupStateMachine m = machine(RULES, 3, false);
        join(m, "a", "b", "c", "d", "e", "f", "g");
        Verdict dead = dies(m, "a");
        assertThat(dead.actionable()).isTrue();
        assertThat(dead.epoch()).isEqualTo(3);
        assertThat(dead.holds()).isNull();
    }

    @Test
    void presentMemberIsNeverPublishedOtherThanRunning() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a");
        List<Effect> e = m.evidence(MemberId.of(G, "a"), ping(SignalStatus.Ping.FAIL),
                storage(SignalStatus.Storage.STALE));
        assertThat(of(e, Effect.Publish.class)).allSatisfy(p -> assertThat(p.verdict().state())
                .isEqualTo(State.RUNNING));
    }

    @Test
    void brakeEngagesHoldsEveryDeadVerdictAndReleasesOnTheOperatorsWord() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d");
        assertThat(dies(m, "a").actionable()).isTrue();
        dies(m, "b");
        List<Effect> third = m.left(reg("c"));
        List<Effect.WriteBrake> brake = of(third, Effect.WriteBrake.class);
        assertThat(brake).singleElement().satisfies(b -> {
            assertThat(b.record().engaged()).isTrue();
            assertThat(b.record().lost()).isEqualTo(3);
        });
        // the verdicts already published actionable are held at once
        assertThat(publish(m, third)).filteredOn(v -> v.state() == State.DEAD)
                .allSatisfy(v -> assertThat(v.holds()).containsExactly(Verdict.HOLD_BRAKE))
                .extracting(Verdict::host).contains("a", "b");
        assertThat(m.localBrake()).isPresent();
        List<Verdict> c = publish(m, m.evidence(MemberId.of(G, "c"), ping(SignalStatus.Ping.FAIL),
                storage(SignalStatus.Storage.STALE)));
        assertThat(c).singleElement().satisfies(v -> {
            assertThat(v.state()).isEqualTo(State.DEAD);
            assertThat(v.actionable()).isFalse();
        });
        // the record lands, then an operator releases it
        BrakeRecord engaged = brake.get(0).record();
        m.brakeWritten(engaged, true);
        assertThat(m.brake(engaged)).isEmpty();
        assertThat(m.localBrake()).isEmpty();
        time.advance(10_000);
        BrakeRecord released = new BrakeRecord(G, false, engaged.engagedAt(), 3, 4, "released", time.instant());
        List<Verdict> after = publish(m, m.brake(released));
        assertThat(after).hasSize(3).allSatisfy(v -> assertThat(v.actionable()).isTrue());
    }

    @Test
    void aDeletedOrRewrittenBrakeRecordReleasesNothingAndIsWrittenAgain() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d");
        dies(m, "a");
        dies(m, "b");
        List<Effect> third = m.left(reg("c"));
        BrakeRecord engaged = of(third, Effect.WriteBrake.class).get(0).record();
        publish(m, third);
        publish(m, m.evidence(MemberId.of(G, "c"), ping(SignalStatus.Ping.FAIL), storage(SignalStatus.Storage.STALE)));
        m.brakeWritten(engaged, true);
        m.brake(engaged);

        // deleted (the caller reports a rewrite without an operator's seal the same way)
        List<Effect> tampered = m.brakeTampered();
        assertThat(of(tampered, Effect.WriteBrake.class)).singleElement().extracting(Effect.WriteBrake::record)
                .isEqualTo(engaged);
        assertThat(publish(m, tampered)).as("nothing becomes actionable").isEmpty();
        assertThat(m.localBrake()).contains(engaged);
        for (String h : List.of("a", "b", "c")) {
            assertThat(m.verdict(MemberId.of(G, h)).orElseThrow().actionable()).isFalse();
        }
        // a failed rewrite is written again on the next recheck; then an operator's release lifts it
        m.brakeWritten(engaged, false);
        assertThat(of(m.recheck(id -> null), Effect.WriteBrake.class)).hasSize(1);
        m.brake(engaged);
        time.advance(1_000);
        List<Verdict> after = publish(m, m.brake(new BrakeRecord(G, false, engaged.engagedAt(), 3, 4, "released",
                time.instant(), "op")));
        assertThat(after).hasSize(3).allSatisfy(v -> assertThat(v.actionable()).isTrue());
        assertThat(m.brakeTampered()).as("nothing engaged: nothing to write").isEmpty();
    }

    @Test
    void aBrakeRecordThatSaysReleasedWithoutARealReleaseIsEngagedAgainAtTakeover() {
        GroupStateMachine m = machine(RULES, 2, false);
        BrakeRecord engaged = new BrakeRecord(G, true, time.instant(), 3, 4, "engaged again", null);
        List<Effect> e = m.restoreBrake(engaged);
        assertThat(of(e, Effect.WriteBrake.class)).singleElement().extracting(Effect.WriteBrake::record)
                .isEqualTo(engaged);
        assertThat(m.localBrake()).contains(engaged);
    }

    @Test
    void aBrakeThatCannotBeRecordedStaysVisibleIsWrittenAgainAndIsReleasable() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d");
        m.left(reg("a"));
        m.left(reg("b"));
        BrakeRecord local = of(m.left(reg("c")), Effect.WriteBrake.class).get(0).record();
        m.brakeWritten(local, false);
        assertThat(m.localBrake()).contains(local);
        assertThat(of(m.recheck(id -> null), Effect.WriteBrake.class)).singleElement()
                .extracting(Effect.WriteBrake::record).isEqualTo(local);
        // an older released record does not release it
        m.brake(new BrakeRecord(G, false, local.engagedAt().minusSeconds(60), 3, 4, "old",
                local.engagedAt().minusSeconds(30)));
        assertThat(m.localBrake()).isPresent();
        time.advance(1_000);
        m.brake(new BrakeRecord(G, false, local.engagedAt(), 3, 4, "released by an operator", time.instant()));
        assertThat(m.localBrake()).isEmpty();
        assertThat(of(m.recheck(id -> null), Effect.WriteBrake.class)).isEmpty();
    }

    @Test
    void flappingMemberIsHeldUntilItsHoldDownEnds() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f", "g", "h");
        for (int i = 0; i < 2; i++) {
            dies(m, "a");
            time.advance(5_000);
            join(m, "a");
        }
        Verdict third = dies(m, "a");
        assertThat(third.actionable()).isFalse();
        assertThat(third.holds()).containsExactly(Verdict.HOLD_FLAPPING);
        assertThat(third.evidence().flaps()).isEqualTo(3);
        time.advance(RULES.flapHoldDownMillis());
        List<Effect> recheck = m.recheck(id -> null);
        assertThat(of(recheck, Effect.Probe.class)).singleElement();
        List<Verdict> v = publish(m, m.evidence(MemberId.of(G, "a"), ping(SignalStatus.Ping.FAIL),
                storage(SignalStatus.Storage.STALE)));
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.actionable()).isTrue();
            assertThat(x.holds()).isNull();
        });
    }

    @Test
    void aVerdictWrittenByAnyoneElseIsOverwrittenWithTheTermsOwn() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a");
        Verdict own = m.verdict(MemberId.of(G, "a")).orElseThrow();
        assertThat(publish(m, m.overwritten(MemberId.of(G, "a")))).singleElement().isEqualTo(own);
        assertThat(m.overwritten(MemberId.of(G, "nobody"))).isEmpty();
    }

    @Test
    void aVerdictFoundAtTakeoverIsPublishedUnderTheNewEpochOnceJudged() {
        GroupStateMachine first = machine(RULES, 1, false);
        join(first, "a");
        Verdict found = first.verdict(MemberId.of(G, "a")).orElseThrow();
        GroupStateMachine next = machine(RULES, 2, false);
        List<Verdict> start = publish(next, next.becameLeader(List.of(found), List.of(reg("a")), null, Map.of(),
                id -> null));
        assertThat(start).singleElement().satisfies(v -> {
            assertThat(v.state()).isEqualTo(found.state());
            assertThat(v.epoch()).isEqualTo(2);
        });
        assertThat(publish(next, next.recheck(id -> null))).as("once").isEmpty();
    }

    @Test
    void aMissingMemberIsJudgedAtItsLastKnownRegistrationNotAtWhatItsVerdictRecordSays() {
        GroupStateMachine first = machine(RULES, 1, false);
        join(first, "a");
        Verdict real = first.verdict(MemberId.of(G, "a")).orElseThrow();
        // with an open ACL someone rewrote the record: another address, another incarnation
        Verdict planted = new Verdict(G, "a", "192.0.2.250", State.DEAD, "planted", real.since(), true,
                real.since(), "inc-planted", 1, real.evidence(), real.updatedAt());
        GroupStateMachine next = machine(RULES, 2, true);
        next.lastKnown(reg("a"));
        next.becameLeader(List.of(planted), List.of(), null, Map.of(), id -> null);
        time.advance(SESSION);
        List<Effect> woke = next.wake();
        assertThat(of(woke, Effect.Probe.class)).singleElement().extracting(Effect.Probe::address)
                .isEqualTo(reg("a").address());
        assertThat(publish(next, woke)).allSatisfy(v -> {
            assertThat(v.address()).isEqualTo(reg("a").address());
            assertThat(v.incarnation()).isEqualTo("inc-a");
        });
    }

    @Test
    void membersMissingAtTakeoverAreJudgedOnlyAfterTheGraceAndCountTowardsTheBrake() {
        GroupStateMachine first = machine(RULES, 1, false);
        join(first, "a", "b", "c", "d");
        List<Verdict> seen = List.of(first.verdict(MemberId.of(G, "a")).orElseThrow(),
                first.verdict(MemberId.of(G, "b")).orElseThrow(), first.verdict(MemberId.of(G, "c")).orElseThrow(),
                first.verdict(MemberId.of(G, "d")).orElseThrow());

        // a new leader (epoch 2) finds a, b, c gone while nobody watched
        time.advance(2_000);
        GroupStateMachine next = machine(RULES, 2, true);
        List<Effect> start = next.becameLeader(seen, List.of(reg("d")), null, Map.of(), id -> null);
        assertThat(of(start, Effect.Publish.class)).as("only the present member, adopted under the new epoch")
                .singleElement().satisfies(p -> {
                    assertThat(p.verdict().host()).isEqualTo("d");
                    assertThat(p.verdict().state()).isEqualTo(State.RUNNING);
                    assertThat(p.verdict().epoch()).isEqualTo(2);
                });
        assertThat(of(start, Effect.Probe.class)).isEmpty();
        assertThat(of(start, Effect.WakeAt.class)).singleElement().extracting(Effect.WakeAt::atMillis)
                .isEqualTo(time.millis + SESSION);
        assertThat(of(start, Effect.WriteBrake.class)).as("3 of 4 lost unseen still count").hasSize(1);
        assertThat(next.judging()).isFalse();

        time.advance(SESSION - 1);
        assertThat(next.wake()).isEmpty();
        time.advance(1);
        List<Effect> woke = next.wake();
        assertThat(publish(next, woke)).hasSize(3).allSatisfy(v -> {
            assertThat(v.state()).isEqualTo(State.SUSPECT);
            assertThat(v.epoch()).isEqualTo(2);
        });
        assertThat(of(woke, Effect.Probe.class)).hasSize(3);
        assertThat(next.judging()).isTrue();
    }

    @Test
    void maintenanceHoldsAndItsRemovalRestores() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        Maintenance mark = new Maintenance(G, "a", "kernel upgrade", time.instant(), null);
        assertThat(publish(m, m.maintenance(a, mark))).singleElement().extracting(Verdict::state)
                .isEqualTo(State.MAINTENANCE);
        m.left(reg("a"));
        List<Verdict> v = publish(m, m.evidence(a, ping(SignalStatus.Ping.FAIL), storage(SignalStatus.Storage.STALE)));
        assertThat(v).allSatisfy(x -> {
            assertThat(x.state()).isEqualTo(State.MAINTENANCE);
            assertThat(x.actionable()).isFalse();
        });
        // removed: judged again from the evidence in hand at once, and probed afresh
        List<Effect> off = m.maintenance(a, null);
        assertThat(of(off, Effect.Probe.class)).singleElement();
        assertThat(publish(m, off)).last().satisfies(x -> {
                    assertThat(x.state()).isEqualTo(State.DEAD);
                    assertThat(x.actionable()).isTrue();
                });
    }

    @Test
    void transitionsCausedByAnOperatorsCallRecordItAndKeepItWhileTheyLast() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        assertThat(m.verdict(a).orElseThrow().operatorAction()).as("the detector's own judgement").isNull();
        Maintenance mark = new Maintenance(G, "a", "kernel upgrade", time.instant(), null, "hw-operator@admin",
                time.instant(), "req-1", null);
        assertThat(publish(m, m.maintenance(a, mark))).singleElement().satisfies(v -> {
            assertThat(v.state()).isEqualTo(State.MAINTENANCE);
            assertThat(v.operatorAction()).isEqualTo(new OperatorAction(OperatorAction.MAINTENANCE_ON,
                    "hw-operator@admin", "req-1", time.instant()));
        });
        // later verdicts of the same transition keep naming it (a history entry may be written for one of them)
        m.left(reg("a"));
        time.advance(1_000);
        List<Verdict> judged = publish(m, m.evidence(a, ping(SignalStatus.Ping.FAIL),
                storage(SignalStatus.Storage.STALE)));
        assertThat(judged).isNotEmpty().allSatisfy(v -> assertThat(v.operatorAction().requestId())
                .isEqualTo("req-1"));
        // ended by a call: the record is kept, ended, and the transition back names that call
        OperatorAction offCall = new OperatorAction(OperatorAction.MAINTENANCE_OFF, "cert:CN=oncall", "req-2",
                time.instant());
        assertThat(publish(m, m.maintenance(a, mark.endedBy(offCall)))).last().satisfies(v -> {
            assertThat(v.state()).isEqualTo(State.DEAD);
            assertThat(v.actionable()).isTrue();
            assertThat(v.operatorAction()).isEqualTo(offCall);
        });
        // the detector's next transition of its own names no call
        join(m, "a");
        assertThat(m.verdict(a).orElseThrow().operatorAction()).isNull();
    }

    @Test
    void verdictsABrakeReleaseMakesActionableNameTheRelease() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d");
        dies(m, "a");
        dies(m, "b");
        List<Effect> third = m.left(reg("c"));
        BrakeRecord engaged = of(third, Effect.WriteBrake.class).get(0).record();
        publish(m, third);
        publish(m, m.evidence(MemberId.of(G, "c"), ping(SignalStatus.Ping.FAIL), storage(SignalStatus.Storage.STALE)));
        m.brakeWritten(engaged, true);
        m.brake(engaged);
        time.advance(10_000);
        BrakeRecord released = new BrakeRecord(G, false, engaged.engagedAt(), 3, 4, "released by hw-operator@admin",
                time.instant(), "hw-operator@admin", null, "req-3");
        assertThat(publish(m, m.brake(released))).hasSize(3).allSatisfy(v -> {
            assertThat(v.actionable()).isTrue();
            assertThat(v.operatorAction()).isEqualTo(new OperatorAction(OperatorAction.BRAKE_RELEASE,
                    "hw-operator@admin", "req-3", time.instant()));
        });
    }

    @Test
    void aRecheckInSlicesReachesEveryMemberOnceAndALossTakenInBetweenIsJudgedAtOnce() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f", "g");
        dies(m, "a");
        dies(m, "b");
        assertThat(m.recheckBegin()).isEmpty();
        List<Effect> all = new ArrayList<>();
        int slices = 0;
        while (m.recheckPending()) {
            all.addAll(m.recheckSome(id -> storage(SignalStatus.Storage.FRESH), 3));
            slices++;
            if (slices == 1) { // a loss between two slices is taken in as usual
                List<Effect> lost = m.left(reg("c"));
                assertThat(publish(m, lost)).extracting(Verdict::state).containsExactly(State.SUSPECT);
            }
        }
        assertThat(slices).isEqualTo(3);
        assertThat(of(all, Effect.Probe.class)).as("the two missing members re-probed, each once")
                .extracting(p -> p.id().host()).containsExactlyInAnyOrder("a", "b");
        assertThat(m.recheckSome(id -> null, 3)).as("the round is over").isEmpty();
    }

    @Test
    void connectionGateStopsEffectsAndAGraceFollowsReconnection() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        assertThat(m.connection(false)).isEmpty();
        assertThat(m.left(reg("a"))).isEmpty();
        assertThat(m.recheck(id -> null)).isEmpty();
        assertThat(m.connection(true)).isEmpty();
        List<Effect> first = m.recheck(id -> null);
        assertThat(of(first, Effect.Probe.class)).isEmpty();
        assertThat(of(first, Effect.WakeAt.class)).singleElement();
        time.advance(SESSION);
        assertThat(of(m.wake(), Effect.Probe.class)).singleElement();
    }

    @Test
    void settleWindowHoldsADeadVerdictSoThatLossesSpreadOverSecondsCountTogether() {
        GroupStateMachine.Rules settle = new GroupStateMachine.Rules(SESSION, 3_000, 0.5, 3, 60_000, 3, 600_000,
                300_000, 2_000);
        GroupStateMachine m = machine(settle, 1, false);
        join(m, "a", "b", "c", "d");
        m.left(reg("a"));
        time.advance(500);
        List<Effect> judged = m.evidence(MemberId.of(G, "a"), ping(SignalStatus.Ping.FAIL),
                storage(SignalStatus.Storage.STALE));
        Verdict dead = publish(m, judged).get(0);
        assertThat(dead.state()).isEqualTo(State.DEAD);
        assertThat(dead.actionable()).isFalse();
        assertThat(dead.holds()).containsExactly(Verdict.HOLD_SETTLING);
        assertThat(of(judged, Effect.WakeAt.class)).singleElement().extracting(Effect.WakeAt::atMillis)
                .isEqualTo(time.millis + 1_500);
        // two more losses within the window: the brake engages, and a never becomes actionable
        time.advance(700);
        m.left(reg("b"));
        time.advance(700);
        List<Effect> third = m.left(reg("c"));
        assertThat(of(third, Effect.WriteBrake.class)).hasSize(1);
        time.advance(100);
        List<Verdict> after = publish(m, m.wake());
        assertThat(after).allSatisfy(v -> assertThat(v.actionable()).isFalse());
        assertThat(m.verdict(MemberId.of(G, "a")).orElseThrow().holds()).contains(Verdict.HOLD_BRAKE)
                .doesNotContain(Verdict.HOLD_SETTLING);
    }

    @Test
    void settleWindowLiftsByItselfWhenNoBrakeEngages() {
        GroupStateMachine.Rules settle = new GroupStateMachine.Rules(SESSION, 3_000, 0.5, 3, 60_000, 3, 600_000,
                300_000, 2_000);
        GroupStateMachine m = machine(settle, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        m.left(reg("a"));
        time.advance(300);
        publish(m, m.evidence(MemberId.of(G, "a"), ping(SignalStatus.Ping.FAIL), storage(SignalStatus.Storage.STALE)));
        time.advance(1_699);
        assertThat(m.wake()).isEmpty();
        time.advance(1);
        assertThat(publish(m, m.wake())).singleElement().satisfies(v -> {
            assertThat(v.actionable()).isTrue();
            assertThat(v.holds()).isNull();
        });
    }

    @Test
    void failedPublishIsRetriedOnTheNextRecheckAndForgottenMembersAreGone() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b");
        List<Effect.Publish> p = of(m.joined(reg("c"), null), Effect.Publish.class);
        m.publishFailed(p.get(0).verdict());
        assertThat(of(m.recheck(id -> null), Effect.Publish.class)).singleElement()
                .satisfies(x -> assertThat(x.verdict().host()).isEqualTo("c"));
        m.left(reg("b"));
        assertThat(m.forget(MemberId.of(G, "b"))).isTrue();
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.evidence(MemberId.of(G, "b"), ping(SignalStatus.Ping.FAIL), storage(SignalStatus.Storage.STALE)))
                .isEmpty();
    }

    @Test
    void preProbingPingsAHostWhoseStorageStoppedAndPublishesOnlyRunningWhileItsZnodeExists() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        List<Effect> stalled = m.storageStalled(a);
        assertThat(of(stalled, Effect.Probe.class)).singleElement().satisfies(p -> {
            assertThat(p.pingOnly()).isTrue();
            assertThat(p.knownPing()).isNull();
        });
        assertThat(of(stalled, Effect.Publish.class)).isEmpty();
        assertThat(m.storageStalled(a)).as("one pre-probe at a time").isEmpty();
        time.advance(1_000);
        Evidence.Ping failed = ping(SignalStatus.Ping.FAIL);
        assertThat(of(m.prePinged(a, failed), Effect.Publish.class))
                .allSatisfy(p -> assertThat(p.verdict().state()).isEqualTo(State.RUNNING));
        assertThat(m.storageStalled(a)).as("not again before preProbeEvery").isEmpty();

        // the znode goes: SUSPECT at once, and the ping already in hand is used (no new ping)
        time.advance(400);
        List<Effect> lost = m.left(reg("a"));
        assertThat(publish(m, lost)).extracting(Verdict::state).containsExactly(State.SUSPECT);
        assertThat(of(lost, Effect.Probe.class)).singleElement().satisfies(p -> {
            assertThat(p.pingOnly()).isFalse();
            assertThat(p.knownPing()).isSameAs(failed);
            assertThat(p.freshAfterMillis()).isEqualTo(time.millis);
        });
        assertThat(publish(m, m.evidence(a, failed, storage(SignalStatus.Storage.STALE))))
                .extracting(Verdict::state).containsExactly(State.DEAD);
    }

    @Test
    void preProbesAreAskedAtMostEveryPreProbeEveryCountedFromWhenTheLastWasAsked() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        assertThat(of(m.storageStalled(a), Effect.Probe.class)).hasSize(1);
        time.advance(1_000); // a silent host: the ping times out
        m.prePinged(a, ping(SignalStatus.Ping.FAIL));
        time.advance(400);
        assertThat(m.storageStalled(a)).as("1.4 s after the last was asked").isEmpty();
        time.advance(100);
        assertThat(of(m.storageStalled(a), Effect.Probe.class)).as("1.5 s after the last was asked").hasSize(1);
    }

    @Test
    void aLossDuringThePreProbeIsJudgedWithItsResultAndAnOldPreProbeIsNotUsed() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        m.storageStalled(a);
        List<Effect> lost = m.left(reg("a"));
        assertThat(publish(m, lost)).extracting(Verdict::state).containsExactly(State.SUSPECT);
        assertThat(of(lost, Effect.Probe.class)).as("the pre-probe in flight will judge").isEmpty();
        Evidence.Ping failed = ping(SignalStatus.Ping.FAIL);
        assertThat(of(m.prePinged(a, failed), Effect.Probe.class)).singleElement()
                .satisfies(p -> assertThat(p.knownPing()).isSameAs(failed));

        MemberId b = MemberId.of(G, "b");
        m.storageStalled(b);
        m.prePinged(b, failed);
        time.advance(2 * 1_500 + 1);
        assertThat(of(m.left(reg("b")), Effect.Probe.class)).singleElement()
                .satisfies(p -> assertThat(p.knownPing()).as("too old to use").isNull());
    }

    @Test
    void aLossWhileALaterPreProbeRunsIsJudgedAtOnceWithTheYoungPingInHand() {
        GroupStateMachine m = machine(RULES, 1, false);
        join(m, "a", "b", "c", "d", "e", "f");
        MemberId a = MemberId.of(G, "a");
        m.storageStalled(a);
        time.advance(1_000);
        Evidence.Ping first = ping(SignalStatus.Ping.FAIL);
        m.prePinged(a, first);
        time.advance(1_500);
        assertThat(of(m.storageStalled(a), Effect.Probe.class)).as("the next pre-probe").hasSize(1);
        time.advance(300); // the znode goes while that one is still waiting for its answer
        List<Effect> lost = m.left(reg("a"));
        assertThat(publish(m, lost)).extracting(Verdict::state).containsExactly(State.SUSPECT);
        assertThat(of(lost, Effect.Probe.class)).as("judged now with the ping 1.8 s old, not after the one in flight")
                .singleElement().satisfies(p -> {
                    assertThat(p.pingOnly()).isFalse();
                    assertThat(p.knownPing()).isSameAs(first);
                });
        // the pre-probe in flight ends: kept, but it judges nothing (the judging probe does)
        time.advance(700);
        assertThat(m.prePinged(a, ping(SignalStatus.Ping.FAIL))).isEmpty();
        assertThat(publish(m, m.evidence(a, first, storage(SignalStatus.Storage.STALE))))
                .extracting(Verdict::state).containsExactly(State.DEAD);
    }

    @Test
    void aNewLeaderThatNeverSawTheRegistrationComputesTheSameSafeToRecoverAt() {
        MemberRegistration fenced = new MemberRegistration(G, "a", "192.0.2.1", "inc-a", Instant.EPOCH, false, 1000,
                "test", 30_000L);
        GroupStateMachine first = machine(RULES, 1, false);
        join(first, "b", "c", "d", "e", "f", "g");
        publish(first, first.joined(fenced, storage(SignalStatus.Storage.FRESH)));
        Verdict running = first.verdict(MemberId.of(G, "a")).orElseThrow();
        assertThat(running.fenceAfterMillis()).isEqualTo(30_000L);

        GroupStateMachine next = machine(RULES, 2, false);
        List<Effect> start = next.becameLeader(List.of(running), List.of(), null, Map.of(), id -> null);
        assertThat(of(start, Effect.Probe.class)).singleElement();
        Evidence.Storage stale = new Evidence.Storage(SignalStatus.Storage.STALE, time.instant(), 7L,
                java.util.Set.of(), 5_000L, "inc-a", "test");
        Verdict dead = publish(next, next.evidence(MemberId.of(G, "a"), ping(SignalStatus.Ping.FAIL), stale)).get(0);
        assertThat(dead.state()).isEqualTo(State.DEAD);
        // last advance 5 s ago + the member's 30 s self-fence deadline, not the 3 s stale window
        assertThat(dead.safeToRecoverAt()).isEqualTo(time.instant().plusMillis(25_000));
    }
}
