package io.hostwatch.service.detector;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.core.GroupStateMachine;
import io.hostwatch.service.zk.BrakeSeal;
import io.hostwatch.service.zk.ClusterView;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a leadership term: hands each group's machine what ZooKeeper holds (verdicts,
 * registrations, brake, maintenance) as it {@linkplain GroupStateMachine#becameLeader became leader},
 * and restores a brake whose record says released although no operator's release wrote it.
 */
final class TermOpening {
    private static final Logger LOG = LoggerFactory.getLogger(TermOpening.class);

    private TermOpening() {
    }

    /** Returns the number of groups judged. */
    static int open(ClusterView view, EvidenceProbe probe, BrakeSeal seal, Clock clock,
                    Function<String, GroupStateMachine> machine, BiConsumer<GroupStateMachine, List<Effect>> execute) {
        Map<String, List<Verdict>> verdicts = new HashMap<>();
        view.verdicts().values().forEach(v -> verdicts.computeIfAbsent(v.group(), g -> new ArrayList<>()).add(v));
        Map<MemberId, MemberRegistration> present = view.registrations();
        // members registered before this term (a restart, a leader change) are watched like those that join
        present.keySet().forEach(probe::track);
        Map<String, List<MemberRegistration>> regs = new HashMap<>();
        present.values().forEach(r -> regs.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r));
        Set<String> groups = new TreeSet<>(verdicts.keySet());
        groups.addAll(regs.keySet());
        groups.addAll(view.brakes().keySet());
        for (String g : groups) {
            GroupStateMachine m = machine.apply(g);
            Map<MemberId, Maintenance> marks = new HashMap<>(view.maintenanceMarks());
            marks.keySet().removeIf(id -> !id.group().equals(g));
            for (Verdict v : verdicts.getOrDefault(g, List.of())) {
                if (!present.containsKey(v.id())) {
                    view.lastRegistration(v.id()).ifPresent(m::lastKnown);
                }
            }
            BrakeRecord stored = view.brake(g).orElse(null);
            boolean forged = stored != null && !stored.engaged() && !seal.genuineRelease(stored);
            execute.accept(m, m.becameLeader(verdicts.getOrDefault(g, List.of()), regs.getOrDefault(g, List.of()),
                    forged ? null : stored, marks, probe::current));
            if (forged) {
                LOG.warn("the brake record of {} says released, but no operator's release wrote it: the brake holds "
                        + "and is written again", g);
                execute.accept(m, m.restoreBrake(new BrakeRecord(g, true, stored.engagedAt() == null ? clock.instant()
                        : stored.engagedAt(), stored.lost(), stored.members(), "engaged again: the record said "
                        + "released, but no operator's release wrote it", null, null)));
            }
        }
        return groups.size();
    }
}
