package io.hostwatch.acceptance.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schedule is a pure function of its seed, bounded, and draws from the whole matrix. */
@Timeout(10)
class ScheduleTest {
    static final List<String> HOSTS = List.of("m1", "m2", "m3", "m4", "m5", "m6");
    static final Set<String> FENCING = Set.of("m1", "m3", "m5");
    static final Duration SESSION = Duration.ofSeconds(4);

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        Schedule a = Schedule.generate(42, HOSTS, FENCING, Duration.ofMinutes(3), SESSION);
        Schedule b = Schedule.generate(42, HOSTS, FENCING, Duration.ofMinutes(3), SESSION);
        Schedule c = Schedule.generate(43, HOSTS, FENCING, Duration.ofMinutes(3), SESSION);
        assertThat(a.describe()).isEqualTo(b.describe()).startsWith("schedule of seed 42");
        assertThat(a.steps()).isEqualTo(b.steps());
        assertThat(c.describe()).isNotEqualTo(a.describe());
    }

    @Test
    void faultsOverlapHealWithinTheSoakNeverTwiceOnOneHostAndAtMostThreeHostsAtOnce() {
        Duration total = Duration.ofMinutes(30);
        Schedule s = Schedule.generate(7, HOSTS, FENCING, total, SESSION);
        List<Schedule.Fault> faults = s.faults();
        assertThat(faults).hasSizeGreaterThan(100);
        boolean overlapping = false;
        for (Schedule.Fault f : faults) {
            assertThat(f.endMillis()).isLessThanOrEqualTo(total.toMillis()).isGreaterThan(f.startMillis());
            assertThat(f.steps().get(0).atMillis()).isEqualTo(f.startMillis());
            assertThat(f.steps().stream().mapToLong(Schedule.Step::atMillis).max().orElseThrow())
                    .isEqualTo(f.endMillis());
            if (f.kind() == FaultKind.ISOLATION_FENCED) {
                assertThat(FENCING).contains(f.target());
            }
            if (f.kind() == FaultKind.ISOLATION) {
                assertThat(FENCING).doesNotContain(f.target());
            }
            List<Schedule.Fault> concurrent = new ArrayList<>();
            for (Schedule.Fault g : faults) {
                if (g != f && g.startMillis() < f.endMillis() && f.startMillis() < g.endMillis()) {
                    overlapping = true;
                    if (g.kind().scope() == FaultKind.Scope.HOST && f.kind().scope() == FaultKind.Scope.HOST) {
                        assertThat(g.target()).as(f.describe() + " and " + g.describe()).isNotEqualTo(f.target());
                        concurrent.add(g);
                    }
                    if (g.kind().scope() == FaultKind.Scope.CLUSTER && f.kind().scope() == FaultKind.Scope.CLUSTER) {
                        throw new AssertionError("two faults of the coordination layer at once: " + f.describe()
                                + ", " + g.describe());
                    }
                }
            }
            long atStart = concurrent.stream().filter(g -> g.startMillis() <= f.startMillis()).count();
            assertThat(atStart).as("host faults running when " + f.describe() + " starts").isLessThan(3);
        }
        assertThat(overlapping).isTrue();
        EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        faults.forEach(f -> kinds.add(f.kind()));
        assertThat(kinds).containsExactlyInAnyOrder(FaultKind.values());
    }

    @Test
    void badArgumentsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Schedule.generate(1, List.of("m1"), Set.of(),
                Duration.ofMinutes(1), SESSION)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withOutOfBandFencingOnlyTheDoubleFaultsAgentGoesDownSoonerEverythingElseIsTheSame() {
        Schedule plain = Schedule.generate(7, HOSTS, FENCING, Duration.ofMinutes(10), SESSION);
        Schedule fenced = Schedule.generate(7, HOSTS, FENCING, Duration.ofMinutes(10), SESSION, true);
        assertThat(fenced.faults()).hasSameSizeAs(plain.faults());
        for (int i = 0; i < plain.faults().size(); i++) {
            Schedule.Fault p = plain.faults().get(i);
            Schedule.Fault f = fenced.faults().get(i);
            assertThat(f.describe()).isEqualTo(p.describe());
            if (p.kind() == FaultKind.ISOLATED_THEN_AGENT_DOWN) {
                assertThat(f.steps().get(1).atMillis()).isEqualTo(f.startMillis() + Schedule.AGENT_DOWN_WITH_BMC);
            } else {
                assertThat(f.steps()).isEqualTo(p.steps());
            }
        }
        assertThat(plain.faults()).anyMatch(f -> f.kind() == FaultKind.ISOLATED_THEN_AGENT_DOWN);
    }
}
