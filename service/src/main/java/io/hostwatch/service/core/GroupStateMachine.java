package io.hostwatch.service.core;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The leader's judgement of one group during one leadership term, as a pure state machine:
 * events in (became leader, joined, left, evidence, wake, maintenance, brake, recheck,
 * connection, publish outcome, forget), {@link Effect effects} out (publish, probe, write brake,
 * wake at). It does no I/O and reads time only from the injected monotonic millisecond source and
 * wall clock, so every scenario runs in a unit test with a manual clock. A new term starts a new
 * machine: nothing carries over from an earlier term but what ZooKeeper holds.
 *
 * <p>Guards: while the connection gate is closed no effect is produced (facts are still recorded);
 * members that were already missing when the term began, or when the connection came back, are
 * judged only after one session timeout (grace); a group whose losses within the brake window
 * exceed the threshold engages the brake, which holds every actionable verdict of the group until
 * an operator's release is seen; a member lost too often is held while it flaps; a verdict that
 * would be actionable is held for the settle window after its loss, in which the brake could still
 * engage. Each loss costs O(1) for the brake and the flap bookkeeping.
 *
 * <p>Not thread safe: the detector feeds it from one thread.
 */
public final class GroupStateMachine {
    /**
     * Timings and guards, in milliseconds.
     *
     * @param settleMillis how long after a loss a verdict that would be actionable is held
     *                     ({@link Verdict#HOLD_SETTLING}); 0 for no settle window
     * @param preProbeEveryMillis a present member whose storage counter stopped is pinged at most
     *                            this often (pre-probing)
     */
    public record Rules(long sessionTimeoutMillis, long staleAfterMillis, double brakeThreshold, int brakeMinMembers,
                        long brakeWindowMillis, int flapThreshold, long flapWindowMillis, long flapHoldDownMillis,
                        long settleMillis, long preProbeEveryMillis) {
        /** Rules with pre-probes at most every 1.5 s per member. */
        public Rules(long sessionTimeoutMillis, long staleAfterMillis, double brakeThreshold, int brakeMinMembers,
                     long brakeWindowMillis, int flapThreshold, long flapWindowMillis, long flapHoldDownMillis,
                     long settleMillis) {
            this(sessionTimeoutMillis, staleAfterMillis, brakeThreshold, brakeMinMembers, brakeWindowMillis,
                    flapThreshold, flapWindowMillis, flapHoldDownMillis, settleMillis, 1_500);
        }

        /** A pre-probe's ping is used at the loss only while it is younger than this. */
        long prePingMaxAgeMillis() {
            return 2 * preProbeEveryMillis;
        }
    }

    private static final class Member {
        final MemberId id;
        MemberRegistration reg;
        boolean present;
        Verdict published;
        Verdict durable;
        long lostAt = Effect.UNKNOWN;
        boolean lossSeen;
        /** A judging probe (after the loss) is in flight: its result judges. */
        boolean probing;
        /** A pre-probe (ping only, heartbeat still present) is in flight. */
        boolean preProbing;
        /** Lost while a pre-probe ran and no usable pre-probe ping was in hand: that pre-probe's result judges. */
        boolean awaitingPrePing;
        long preProbeAskedAt = Effect.UNKNOWN;
        Evidence.Ping prePing;
        long prePingAt;
        boolean awaitingGrace;
        /** Its verdict was found in ZooKeeper at the term's start; not yet judged and published by this term. */
        boolean inherited;

        Member(MemberId id) {
            this.id = id;
        }
    }

    private record Timer(long at, MemberId id) {
    }

    private final String group;
    private final long epoch;
    private final Rules rules;
    private final LongSupplier millis;
    private final Clock clock;
    private final Map<MemberId, Member> members = new HashMap<>();
    private final Map<MemberId, Maintenance> maintenance = new HashMap<>();
    private final Map<MemberId, FencingAction> fencing = new HashMap<>();
    private boolean fencingConfigured;
    private final MassFailureBrake brake;
    private final FlapDamper flaps;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    private final java.util.ArrayDeque<MemberId> recheckQueue = new java.util.ArrayDeque<>();
    private final List<Effect> out = new ArrayList<>();
    private BrakeRecord storedBrake;
    private BrakeRecord localBrake;
    private boolean localBrakeRecorded;
    private boolean connected = true;
    private long graceUntil;
    private boolean graceWakeAsked;
    private long timerWake = Long.MAX_VALUE;
    /** The operator's call being handled (maintenance, brake release): transitions it causes record it. */
    private OperatorAction cause;

    /**
     * A machine for {@code group} in the term {@code epoch}; members already missing are judged
     * from {@code graceUntilMillis} on (the term's start plus a session timeout).
     */
    public GroupStateMachine(String group, long epoch, Rules rules, LongSupplier millis, Clock clock,
                             long graceUntilMillis) {
        this.group = group;
        this.epoch = epoch;
        this.rules = rules;
        this.millis = millis;
        this.clock = clock;
        this.brake = new MassFailureBrake(rules.brakeThreshold(), rules.brakeMinMembers(), rules.brakeWindowMillis());
        this.flaps = new FlapDamper(rules.flapThreshold(), rules.flapWindowMillis(), rules.flapHoldDownMillis());
        this.graceUntil = graceUntilMillis;
    }

    public String group() {
        return group;
    }

    public long epoch() {
        return epoch;
    }

    // ---------------------------------------------------------------- events

    /**
     * The term began: what ZooKeeper holds for the group. Members already missing are judged after
     * the grace of one session timeout; their loss counts towards the brake.
     */
    public List<Effect> becameLeader(Collection<Verdict> published, Collection<MemberRegistration> registered,
                                     BrakeRecord brakeRecord, Map<MemberId, Maintenance> marks,
                                     Function<MemberId, Evidence.Storage> storageNow) {
        for (Verdict v : published) {
            Member m = member(v.id());
            m.published = v;
            m.durable = v;
            m.inherited = true;
        }
        for (MemberRegistration r : registered) {
            Member m = member(r.id());
            m.reg = r;
            m.present = true;
        }
        storedBrake = brakeRecord;
        maintenance.putAll(marks);
        reconcile(storageNow);
        return drain();
    }

    /**
     * Before {@link #becameLeader}: the last registration this instance saw of a member whose
     * heartbeat is gone. Its address, incarnation and deadline are believed over those of the
     * member's verdict record (which anyone could have written, with an open ACL).
     */
    public void lastKnown(MemberRegistration last) {
        Member m = member(last.id());
        if (!m.present) {
            m.reg = last;
        }
    }

    /** A member's heartbeat znode appeared or changed (a new registration, maybe a new incarnation). */
    public List<Effect> joined(MemberRegistration reg, Evidence.Storage storageNow) {
        Member m = member(reg.id());
        m.reg = reg;
        m.present = true;
        m.lostAt = Effect.UNKNOWN;
        m.lossSeen = false;
        m.awaitingGrace = false;
        m.awaitingPrePing = false;
        m.prePing = null;
        if (connected) {
            ensureRunning(m, storageNow);
        }
        return drain();
    }

    /** A member's heartbeat znode went away; {@code last} is its last registration. */
    public List<Effect> left(MemberRegistration last) {
        Member m = member(last.id());
        m.reg = last;
        m.present = false;
        if (connected) {
            m.lostAt = millis.getAsLong();
            m.lossSeen = true;
            if (!last.leaving()) {
                flaps.lost(m.id, m.lostAt);
                countLoss(m);
            }
            judge(m);
        }
        return drain();
    }

    /**
     * The outcome of a judging {@link Effect.Probe} (not a pre-probe): ping and storage evidence,
     * already vouched for by the self-check.
     */
    public List<Effect> evidence(MemberId id, Evidence.Ping ping, Evidence.Storage storage) {
        Member m = members.get(id);
        if (m == null) {
            return drain();
        }
        m.probing = false;
        if (!connected) {
            return drain();
        }
        if (m.present) {
            ensureRunning(m, null); // while the heartbeat is present, nothing but RUNNING
            return drain();
        }
        Evidence.Heartbeat hb = new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, clock.instant(),
                "heartbeat znode gone (ZooKeeper session expired or closed)");
        publishIfChanged(m, classify(observe(m, hb, leaving(m), ping, storage), m.published));
        return drain();
    }

    /**
     * The outcome of a pre-probe ({@link Effect.Probe#pingOnly()}): kept, to be used if the znode
     * goes within {@link Rules#prePingMaxAgeMillis()}. A member lost while it ran, with no younger
     * pre-probe ping in hand, is judged now.
     */
    public List<Effect> prePinged(MemberId id, Evidence.Ping ping) {
        Member m = members.get(id);
        if (m == null) {
            return drain();
        }
        m.preProbing = false;
        m.prePing = ping;
        m.prePingAt = millis.getAsLong();
        if (!connected) {
            return drain();
        }
        if (m.present) {
            ensureRunning(m, null); // while the heartbeat is present, nothing but RUNNING
        } else if (m.awaitingPrePing) {
            m.awaitingPrePing = false;
            judge(m); // lost while the pre-probe ran: judge now, with its ping in hand
        }
        return drain();
    }

    /**
     * Pre-probing: the member's heartbeat is present but its storage counter stopped advancing (a
     * host that lost power stops writing storage about a session timeout before ZooKeeper deletes
     * its znode). Pings it now, so that the evidence is in hand when the znode goes; publishes
     * nothing but {@code RUNNING} while the znode exists.
     */
    public List<Effect> storageStalled(MemberId id) {
        Member m = members.get(id);
        if (m == null || !connected || !m.present || m.preProbing || m.probing || m.reg == null) {
            return drain();
        }
        long now = millis.getAsLong();
        // Counted from when the last one was asked, so that a silent host's pre-probe pings end at
        // most preProbeEvery + a scan + a ping timeout apart, and one is always young at its loss.
        if (m.preProbeAskedAt != Effect.UNKNOWN && now - m.preProbeAskedAt < rules.preProbeEveryMillis()) {
            return drain();
        }
        m.preProbeAskedAt = now;
        m.preProbing = true;
        out.add(new Effect.Probe(m.id, m.reg.address(), Effect.UNKNOWN, null, true));
        return drain();
    }

    /**
     * The member's verdict in ZooKeeper is not one this term wrote: someone else wrote it (an
     * ensemble whose ACLs let them). This term's own verdict is written again over it.
     */
    public List<Effect> overwritten(MemberId id) {
        Member m = members.get(id);
        if (m != null && m.published != null && connected) {
            out.add(new Effect.Publish(m.published, m.published, Effect.UNKNOWN));
        }
        return drain();
    }

    /** A time asked for by {@link Effect.WakeAt} has come: grace or a settle window may have elapsed. */
    public List<Effect> wake() {
        long now = millis.getAsLong();
        if (connected && now - graceUntil >= 0) {
            graceWakeAsked = false;
            for (Member m : List.copyOf(members.values())) {
                if (m.awaitingGrace) {
                    m.awaitingGrace = false;
                    judge(m);
                }
            }
        }
        while (!timers.isEmpty() && now - timers.peek().at >= 0) {
            Member m = members.get(timers.poll().id);
            if (m != null && connected && !m.present && hasHold(m.published, Verdict.HOLD_SETTLING)) {
                reclassify(m);
            }
        }
        if (now - timerWake >= 0) {
            timerWake = Long.MAX_VALUE;
        }
        askWake();
        return drain();
    }

    /** An operator set, changed ({@code mark} non-null) or removed a member's maintenance. */
    public List<Effect> maintenance(MemberId id, Maintenance mark) {
        if (mark == null) {
            maintenance.remove(id);
        } else {
            maintenance.put(id, mark);
        }
        Member m = members.get(id);
        if (m == null || !connected) {
            return drain();
        }
        cause = mark == null ? null : mark.ended() != null ? mark.ended() : mark.setAction();
        try {
            if (m.present) {
                ensureRunning(m, null);
            } else if (m.published != null) {
                reclassify(m);
                judge(m);
            }
        } finally {
            cause = null;
        }
        return drain();
    }

    /**
     * The group's brake record went away, or was rewritten by anyone but an operator's release (the
     * caller checks the release's seal): that releases nothing. An engaged brake is written again.
     */
    public List<Effect> brakeTampered() {
        if (!brakeEngaged()) {
            return drain();
        }
        if (localBrake == null) {
            localBrake = storedBrake;
        }
        storedBrake = null;
        localBrakeRecorded = false;
        out.add(new Effect.WriteBrake(localBrake));
        return drain();
    }

    /**
     * At the term's start the stored record says released, but no operator's release wrote it: the
     * brake it describes ({@code engaged}) holds and is written again.
     */
    public List<Effect> restoreBrake(BrakeRecord engaged) {
        storedBrake = null;
        localBrake = engaged;
        localBrakeRecorded = false;
        out.add(new Effect.WriteBrake(engaged));
        if (connected) {
            reclassifyWhere(v -> v.actionable());
        }
        return drain();
    }

    /** The group's stored brake record changed ({@code record} null: deleted), as an operator or the leader wrote it. */
    public List<Effect> brake(BrakeRecord record) {
        boolean wasEngaged = brakeEngaged();
        storedBrake = record;
        if (record != null && record.engaged()) {
            localBrake = null; // recorded (by this leader or an earlier one): the stored record now holds
            if (connected) {
                reclassifyWhere(v -> v.actionable());
            }
            return drain();
        }
        if (localBrake != null && record != null && record.releasedAt() != null
                && !record.releasedAt().isBefore(localBrake.engagedAt())) {
            localBrake = null; // an operator released the brake this leader engaged
        }
        if (wasEngaged && !brakeEngaged()) {
            brake.reset(group);
            if (connected) {
                cause = record == null ? null : record.releaseAction();
                try {
                    reclassifyWhere(v -> hasHold(v, Verdict.HOLD_BRAKE));
                } finally {
                    cause = null;
                }
            }
        }
        return drain();
    }

    /** Periodic: brings every member's verdict in line, re-probes missing members, re-asks an unwritten brake. */
    public List<Effect> recheck(Function<MemberId, Evidence.Storage> storageNow) {
        List<Effect> effects = new ArrayList<>(recheckBegin());
        effects.addAll(recheckSome(storageNow, Integer.MAX_VALUE));
        return effects;
    }

    /**
     * {@link #recheck} in slices, so that the caller can take other events in between (with 10,000
     * members a whole recheck holds its thread for tens of milliseconds): starts a round, which
     * {@link #recheckSome} calls then work through while {@link #recheckPending()}. A round started
     * while one is pending replaces it.
     */
    public List<Effect> recheckBegin() {
        recheckQueue.clear();
        if (connected) {
            recheckQueue.addAll(members.keySet());
            if (localBrake != null && !localBrakeRecorded) {
                out.add(new Effect.WriteBrake(localBrake));
            }
        }
        return drain();
    }

    /** Rechecks up to {@code max} more members of the round begun by {@link #recheckBegin}. */
    public List<Effect> recheckSome(Function<MemberId, Evidence.Storage> storageNow, int max) {
        long now = millis.getAsLong();
        for (int i = 0; i < max && !recheckQueue.isEmpty(); i++) {
            Member m = members.get(recheckQueue.poll());
            if (m != null && connected) {
                reconcile(m, storageNow, now);
            }
        }
        return drain();
    }

    /** Members of the current recheck round not rechecked yet. */
    public boolean recheckPending() {
        return !recheckQueue.isEmpty();
    }

    /** The connection gate: closed while the ZooKeeper connection is suspended or lost. */
    public List<Effect> connection(boolean isConnected) {
        if (isConnected && !connected) {
            graceUntil = millis.getAsLong() + rules.sessionTimeoutMillis();
            graceWakeAsked = false;
        }
        connected = isConnected;
        return drain();
    }

    /** A {@link Effect.Publish} was durably written. */
    public void published(Verdict verdict) {
        Member m = members.get(verdict.id());
        if (m != null) {
            m.durable = verdict;
        }
    }

    /** A {@link Effect.Publish} could not be written (not fenced): the next recheck publishes again. */
    public void publishFailed(Verdict verdict) {
        Member m = members.get(verdict.id());
        if (m != null && m.published == verdict) {
            m.published = m.durable;
        }
    }

    /** A {@link Effect.WriteBrake} was written ({@code ok}) or failed (the next recheck writes it again). */
    public void brakeWritten(BrakeRecord record, boolean ok) {
        if (record == localBrake) {
            localBrakeRecorded = ok;
        }
    }

    /** The member was decommissioned: forget everything about it. */
    public boolean forget(MemberId id) {
        maintenance.remove(id);
        flaps.forget(id);
        brake.forget(id);
        return members.remove(id) != null;
    }

    // ---------------------------------------------------------------- queries

    /** The brake this leader engaged and that is not yet visible in ZooKeeper as engaged. */
    public Optional<BrakeRecord> localBrake() {
        return Optional.ofNullable(localBrake);
    }

    /** The verdict last published (or being published) for a member. */
    public Optional<Verdict> verdict(MemberId id) {
        Member m = members.get(id);
        return m == null ? Optional.empty() : Optional.ofNullable(m.published);
    }

    public boolean judging() {
        return connected && millis.getAsLong() - graceUntil >= 0;
    }

    public int size() {
        return members.size();
    }

    // ---------------------------------------------------------------- decisions

    private Member member(MemberId id) {
        return members.computeIfAbsent(id, Member::new);
    }

    private List<Effect> drain() {
        if (out.isEmpty()) {
            return List.of();
        }
        List<Effect> effects = List.copyOf(out);
        out.clear();
        return effects;
    }

    private boolean brakeEngaged() {
        return localBrake != null || storedBrake != null && storedBrake.engaged();
    }

    private static boolean hasHold(Verdict v, String hold) {
        return v != null && v.holds() != null && v.holds().contains(hold);
    }

    private boolean leaving(Member m) {
        return m.reg != null && m.reg.leaving();
    }

    private void reconcile(Function<MemberId, Evidence.Storage> storageNow) {
        long now = millis.getAsLong();
        for (Member m : List.copyOf(members.values())) {
            reconcile(m, storageNow, now);
        }
    }

    private void reconcile(Member m, Function<MemberId, Evidence.Storage> storageNow, long now) {
        if (m.present) {
            ensureRunning(m, storageNow.apply(m.id));
            return;
        }
        Verdict v = m.published;
        if (v == null || v.state() == State.STOPPED) {
            return;
        }
        if ((v.state() == State.RUNNING || v.state() == State.SUSPECT) && m.lostAt == Effect.UNKNOWN
                && !m.probing) {
            // Lost while no leader was watching (leader change, quorum loss): it counts too.
            m.lostAt = now;
            countLoss(m);
        }
        judge(m);
    }

    private void countLoss(Member m) {
        long now = millis.getAsLong();
        int lost = brake.lost(m.id, now, members.size());
        if (lost > 0 && !brakeEngaged()) {
            localBrake = new BrakeRecord(group, true, clock.instant(), lost, members.size(), lost + " of "
                    + members.size() + " members lost within " + rules.brakeWindowMillis() / 1000 + " s", null);
            localBrakeRecorded = false;
            out.add(new Effect.WriteBrake(localBrake));
            reclassifyWhere(v -> v.actionable() || v.holds() != null);
        }
    }

    private void reclassifyWhere(java.util.function.Predicate<Verdict> which) {
        for (Member m : List.copyOf(members.values())) {
            if (m.published != null && which.test(m.published)) {
                reclassify(m);
            }
        }
    }

    /** The classified verdict as out-of-band fencing leaves it ({@link FencingGate}); unchanged when not fenced. */
    private Verdict classify(Observation o, Verdict prev) {
        Verdict v = VerdictClassifier.classify(o, prev);
        return fencingConfigured ? FencingGate.apply(v, true, fencing.get(o.id()), o.brake(), o.flapping()) : v;
    }

    /**
     * Out-of-band fencing of this group: whether it is configured, and the fencing records known
     * now. Call once, right after construction (no effects).
     */
    public void fencing(boolean configured, Map<MemberId, FencingAction> records) {
        this.fencingConfigured = configured;
        records.forEach((id, r) -> {
            if (id.group().equals(group)) {
                fencing.put(id, r);
            }
        });
    }

    /** A member's fencing record changed ({@code record} null: deleted): its verdict follows it. */
    public List<Effect> fencing(MemberId id, FencingAction record) {
        if (record == null) {
            fencing.remove(id);
        } else {
            fencing.put(id, record);
        }
        Member m = members.get(id);
        if (fencingConfigured && m != null && !m.present && m.published != null && connected) {
            reclassify(m);
        }
        return drain();
    }

    /** Publishes a verdict again from its own evidence, with holds and maintenance as they are now. */
    private void reclassify(Member m) {
        Verdict prev = m.published;
        Evidence e = prev == null ? null : prev.evidence();
        if (e == null || e.heartbeat() == null || !connected) {
            return;
        }
        boolean leaving = leaving(m) && e.heartbeat().status() == SignalStatus.Heartbeat.LOST;
        publishIfChanged(m, classify(observe(m, prev.address(), prev.incarnation(), e.heartbeat(),
                leaving, e.ping(), e.storage()), prev));
    }

    private void ensureRunning(Member m, Evidence.Storage storageNow) {
        Verdict prev = m.published;
        Evidence.Storage stor = storageNow;
        if (stor == null && prev != null && prev.evidence() != null) {
            stor = prev.evidence().storage(); // not decided yet: keep what was shown
        }
        Evidence.Heartbeat hb = prev != null && prev.evidence() != null && prev.evidence().heartbeat() != null
                && prev.evidence().heartbeat().status() == SignalStatus.Heartbeat.OK ? prev.evidence().heartbeat()
                : new Evidence.Heartbeat(SignalStatus.Heartbeat.OK, clock.instant(), "heartbeat znode present");
        publishIfChanged(m, classify(observe(m, m.reg.address(), m.reg.incarnation(), hb, false,
                null, stor), prev));
    }

    private void judge(Member m) {
        if (!connected) {
            return;
        }
        if (m.present) {
            ensureRunning(m, null);
            return;
        }
        if (m.probing) {
            return; // a judging probe is in flight: its result judges
        }
        long now = millis.getAsLong();
        if (now - graceUntil < 0) {
            m.awaitingGrace = true;
            if (!graceWakeAsked) {
                graceWakeAsked = true;
                out.add(new Effect.WakeAt(graceUntil));
            }
            return;
        }
        Verdict prev = m.published;
        Evidence.Heartbeat hb = new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, clock.instant(),
                "heartbeat znode gone (ZooKeeper session expired or closed)");
        Verdict suspect = classify(observe(m, hb, leaving(m), null, null), prev);
        if (suspect.state() == State.STOPPED) {
            publishIfChanged(m, suspect);
            return;
        }
        boolean firstAfterLoss = prev == null || prev.state() == State.RUNNING || prev.state() == State.SUSPECT;
        if (prev == null || prev.state() == State.RUNNING) {
            publish(m, suspect);
        }
        Evidence.Ping known = m.prePing != null && now - m.prePingAt <= rules.prePingMaxAgeMillis() ? m.prePing
                : null;
        if (known == null && m.preProbing) {
            m.awaitingPrePing = true; // a pre-probe is in flight and nothing younger is in hand: its result judges
            return;
        }
        m.awaitingPrePing = false;
        m.probing = true;
        m.prePing = null;
        out.add(new Effect.Probe(m.id, address(m), firstAfterLoss ? (m.lostAt != Effect.UNKNOWN ? m.lostAt : now)
                : Effect.UNKNOWN, known, false));
    }

    private String address(Member m) {
        return m.reg != null ? m.reg.address() : m.published != null ? m.published.address() : null;
    }

    private Observation observe(Member m, Evidence.Heartbeat hb, boolean leaving, Evidence.Ping ping,
                                Evidence.Storage storage) {
        String incarnation = m.reg != null ? m.reg.incarnation() : m.published != null ? m.published.incarnation()
                : null;
        return observe(m, address(m), incarnation, hb, leaving, ping, storage);
    }

    private Observation observe(Member m, String address, String incarnation, Evidence.Heartbeat hb, boolean leaving,
                                Evidence.Ping ping, Evidence.Storage storage) {
        long now = millis.getAsLong();
        Instant wall = clock.instant();
        Maintenance mark = maintenance.get(m.id);
        boolean lost = hb.status() == SignalStatus.Heartbeat.LOST;
        boolean settling = lost && rules.settleMillis() > 0 && m.lostAt != Effect.UNKNOWN
                && now - m.lostAt < rules.settleMillis();
        return new Observation(m.id, address, incarnation, hb, leaving, ping, storage,
                mark != null && mark.inForce(wall), wall, epoch, rules.staleAfterMillis(), fenceAfter(m),
                brakeEngaged(), flaps.flaps(m.id, now), flaps.holding(m.id, now), settling);
    }

    /** The member's self-fence deadline: from its registration, else from its last verdict (a takeover). */
    private static Long fenceAfter(Member m) {
        if (m.reg != null) {
            return m.reg.fenceAfterMillis();
        }
        return m.published == null ? null : m.published.fenceAfterMillis();
    }

    private void publishIfChanged(Member m, Verdict next) {
        // An inherited verdict is published again under this term once judged, unchanged or not:
        // only what this term published is acted on (Nova, fencing), never what it found.
        if (changed(m.published, next) || m.inherited) {
            publish(m, next);
        }
    }

    private void publish(Member m, Verdict next) {
        next = withOperatorAction(m.published, next);
        out.add(new Effect.Publish(next, m.published, m.lossSeen ? m.lostAt : Effect.UNKNOWN));
        m.published = next;
        m.inherited = false;
        if (hasHold(next, Verdict.HOLD_SETTLING) && m.lostAt != Effect.UNKNOWN) {
            timers.add(new Timer(m.lostAt + rules.settleMillis(), m.id));
            askWake();
        }
    }

    /**
     * {@code next} with the operator's call that caused it: a transition (state, actionability or
     * holds change, as the history counts them) made while handling an operator's call records that
     * call; one made by the detector's own judgement records none; a verdict that is no transition
     * keeps the call of the transition that led to it, so a history entry written for a later
     * verdict of the same transition still names it.
     */
    private Verdict withOperatorAction(Verdict prev, Verdict next) {
        boolean transition = prev == null || prev.state() != next.state() || prev.actionable() != next.actionable()
                || !Objects.equals(holdsOf(prev), holdsOf(next));
        if (transition) {
            return Objects.equals(next.operatorAction(), cause) ? next : next.withOperatorAction(cause);
        }
        return prev.operatorAction() == null || next.operatorAction() != null ? next
                : next.withOperatorAction(prev.operatorAction());
    }

    private static List<String> holdsOf(Verdict v) {
        return v.holds() == null ? List.of() : v.holds();
    }

    /** Asks for a wake at the earliest timer unless one at or before it is already asked for. */
    private void askWake() {
        if (!timers.isEmpty() && timers.peek().at < timerWake) {
            timerWake = timers.peek().at;
            out.add(new Effect.WakeAt(timerWake));
        }
    }

    /** True when {@code next} says something {@code prev} did not (timestamps and figures alone do not count). */
    static boolean changed(Verdict prev, Verdict next) {
        return prev == null || prev.state() != next.state() || prev.actionable() != next.actionable()
                || !Objects.equals(prev.reason(), next.reason()) || !Objects.equals(prev.incarnation(),
                next.incarnation()) || !Objects.equals(prev.address(), next.address())
                || !Objects.equals(prev.holds(), next.holds())
                || statusOf(prev) != null && !statusOf(prev).equals(statusOf(next));
    }

    private static String statusOf(Verdict v) {
        Evidence e = v.evidence();
        if (e == null) {
            return null;
        }
        return (e.ping() == null ? "-" : e.ping().status().name()) + "/"
                + (e.storage() == null ? "-" : e.storage().status().name()) + "/" + e.flaps();
    }
}
