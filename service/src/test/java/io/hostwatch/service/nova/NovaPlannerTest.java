package io.hostwatch.service.nova;

import static io.hostwatch.service.nova.TestVerdicts.dead;
import static io.hostwatch.service.nova.TestVerdicts.running;
import static io.hostwatch.service.nova.TestVerdicts.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The decision table of the Nova integration, as a pure function. */
@Timeout(10)
class NovaPlannerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final String INC = "123e4567-e89b-12d3-a456-426614174000";
    private static final String OTHER_INC = "aaaaaaaa-e89b-12d3-a456-426614174000";

    private final NovaPlanner planner = new NovaPlanner(new HostNameMapping(".cloud.example.com",
            Map.of("odd1", "weird-name.example.com")), true);

    @ParameterizedTest
    @EnumSource(State.class)
    void neverActsOnANonActionableVerdict(State state) {
        Verdict v = verdict("host1", state, false, NOW.minusSeconds(1), INC, 3, StorageFlag.FENCED);
        assertThat(planner.plan(v, null, NOW, 3)).isInstanceOf(NovaPlanner.Nothing.class);
        if (state != State.RUNNING) {
            assertThat(planner.plan(v, pendingDown(INC), NOW, 3)).as("a pending action is held, not attempted")
                    .isInstanceOf(NovaPlanner.Nothing.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"SUSPECT", "SERVICE_UNREACHABLE", "PARTITIONED", "UNKNOWN", "STOPPED",
        "MAINTENANCE"})
    void neverActsOnTheseStatesEvenIfMarkedActionable(State state) {
        Verdict v = verdict("host1", state, true, NOW.minusSeconds(1), INC, 3, StorageFlag.FENCED);
        assertThat(NovaPlanner.fenced(v)).isFalse();
        assertThat(planner.plan(v, null, NOW, 3)).isInstanceOf(NovaPlanner.Nothing.class);
    }

    @Test
    void deadWaitsForSafeToRecoverAtThenStartsAForceDown() {
        Instant safe = NOW.plusSeconds(30);
        assertThat(planner.plan(dead("host1", INC, safe, 3), null, NOW, 3))
                .isEqualTo(new NovaPlanner.WaitUntil(safe, "not safe to recover before safeToRecoverAt"));

        NovaPlanner.Plan plan = planner.plan(dead("host1", INC, safe, 3), null, safe, 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Start.class);
        NovaAction intent = ((NovaPlanner.Start) plan).intent();
        assertThat(intent.kind()).isEqualTo(NovaAction.Kind.FORCE_DOWN);
        assertThat(intent.status()).isEqualTo(NovaAction.Status.PENDING);
        assertThat(intent.novaHost()).isEqualTo("host1.cloud.example.com");
        assertThat(intent.incarnation()).isEqualTo(INC);
        assertThat(intent.verdict()).isEqualTo(State.DEAD);
        assertThat(intent.reason()).startsWith("hostwatch: DEAD").contains("compute/host1").hasSizeLessThan(256);
        assertThat(intent.masakari()).isEqualTo(NovaAction.Notification.PENDING);
        assertThat(intent.attempts()).isZero();
        assertThat(intent.epoch()).isEqualTo(3);
    }

    @Test
    void explicitMapWinsOverTheSuffix() {
        NovaPlanner.Plan plan = planner.plan(dead("odd1", INC, null, 3), null, NOW, 3);
        assertThat(((NovaPlanner.Start) plan).intent().novaHost()).isEqualTo("weird-name.example.com");
    }

    @Test
    void isolatedNeedsActionableAndFenced() {
        assertThat(planner.plan(verdict("host1", State.ISOLATED, false, null, INC, 3), null, NOW, 3))
                .isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(planner.plan(verdict("host1", State.ISOLATED, true, null, INC, 3, StorageFlag.ISOLATED), null,
                NOW, 3)).as("actionable but the evidence lacks FENCED").isInstanceOf(NovaPlanner.Nothing.class);
        NovaPlanner.Plan plan = planner.plan(verdict("host1", State.ISOLATED, true, NOW, INC, 3, StorageFlag.ISOLATED,
                StorageFlag.FENCED), null, NOW, 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Start.class);
        assertThat(((NovaPlanner.Start) plan).intent().reason()).contains("ISOLATED and FENCED");
    }

    @Test
    void aForceDownIsDoneOncePerIncarnation() {
        Verdict v = dead("host1", INC, NOW.minusSeconds(5), 3);
        assertThat(planner.plan(v, with(pendingDown(INC), NovaAction.Status.DONE), NOW, 3))
                .isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(planner.plan(v, with(pendingDown(INC), NovaAction.Status.FAILED), NOW, 3))
                .isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(planner.plan(v, with(pendingDown(OTHER_INC), NovaAction.Status.DONE), NOW, 3))
                .as("a new incarnation that died is a new failure").isInstanceOf(NovaPlanner.Start.class);
    }

    @Test
    void aPendingForceDownIsResumedWhenItsRetryIsDue() {
        Verdict v = dead("host1", INC, NOW.minusSeconds(5), 3);
        NovaAction pending = pendingDown(INC);
        assertThat(planner.plan(v, pending, NOW, 3)).isEqualTo(new NovaPlanner.Attempt(pending));
        NovaAction later = retryAt(pending, NOW.plusSeconds(8));
        assertThat(planner.plan(v, later, NOW, 3)).isEqualTo(new NovaPlanner.WaitUntil(NOW.plusSeconds(8),
                "retry back-off"));
        assertThat(planner.plan(v, later, NOW.plusSeconds(8), 3)).isEqualTo(new NovaPlanner.Attempt(later));
    }

    @Test
    void runningAfterAForceDownThatMayHaveReachedNovaForcesUp() {
        Verdict back = running("host1", OTHER_INC, 3);
        NovaAction done = with(pendingDown(INC), NovaAction.Status.DONE);
        NovaPlanner.Plan plan = planner.plan(back, done, NOW, 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Start.class);
        NovaAction up = ((NovaPlanner.Start) plan).intent();
        assertThat(up.kind()).isEqualTo(NovaAction.Kind.FORCE_UP);
        assertThat(up.incarnation()).isEqualTo(OTHER_INC);
        assertThat(up.serviceId()).isEqualTo(done.serviceId());
        assertThat(up.masakari()).isNull();

        assertThat(planner.plan(back, pendingDown(INC), NOW, 3)).as("a pending force-down may have reached Nova")
                .isInstanceOf(NovaPlanner.Start.class);
        assertThat(planner.plan(back, with(pendingDown(INC), NovaAction.Status.FAILED), NOW, 3))
                .as("a failed force-down changed nothing in Nova").isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(planner.plan(back, null, NOW, 3)).isInstanceOf(NovaPlanner.Nothing.class);
    }

    @Test
    void aForceUpIsRetriedAndThenLeftAlone() {
        Verdict back = running("host1", INC, 3);
        NovaAction up = ((NovaPlanner.Start) planner.plan(back, with(pendingDown(INC), NovaAction.Status.DONE), NOW,
                3)).intent();
        assertThat(planner.plan(back, up, NOW, 3)).isEqualTo(new NovaPlanner.Attempt(up));
        assertThat(planner.plan(back, retryAt(up, NOW.plusSeconds(4)), NOW, 3))
                .isInstanceOf(NovaPlanner.WaitUntil.class);
        assertThat(planner.plan(back, with(up, NovaAction.Status.DONE), NOW, 3))
                .isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(planner.plan(dead("host1", INC, NOW, 3), with(up, NovaAction.Status.DONE), NOW, 3))
                .as("dying again after a completed force-up is a new failure").isInstanceOf(NovaPlanner.Start.class);
    }

    @Test
    void withoutMasakariTheIntentCarriesNoNotification() {
        NovaPlanner plain = new NovaPlanner(HostNameMapping.identity(), false);
        NovaAction intent = ((NovaPlanner.Start) plain.plan(dead("host1", INC, null, 3), null, NOW, 3)).intent();
        assertThat(intent.masakari()).isNull();
        assertThat(intent.novaHost()).isEqualTo("host1");
    }

    @Test
    void noVerdictNoAction() {
        assertThat(planner.plan(null, pendingDown(INC), NOW, 3)).isInstanceOf(NovaPlanner.Nothing.class);
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30));
        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.delay(4)).isEqualTo(Duration.ofSeconds(16));
        assertThat(b.delay(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delay(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void mappingIsIdentityByDefault() {
        assertThat(HostNameMapping.identity().novaHost("host1")).isEqualTo("host1");
        assertThat(new HostNameMapping(".example.com", Map.of()).novaHost("host1")).isEqualTo("host1.example.com");
    }

    // ---- helpers -----------------------------------------------------------------------------

    @Test
    void aPendingRecordNamingAnotherNovaHostIsRefused() {
        NovaAction a = pendingDown(INC);
        NovaAction forged = new NovaAction(a.group(), a.host(), "victim.cloud.example.com", a.incarnation(), a.kind(),
                a.status(), a.verdict(), a.reason(), a.serviceId(), a.attempts(), a.lastError(), a.masakari(),
                a.requestedAt(), a.lastAttemptAt(), a.nextAttemptAt(), a.completedAt(), a.epoch(), a.updatedAt());
        NovaPlanner.Plan plan = planner.plan(dead("host1", INC, null, 3), forged, NOW, 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(((NovaPlanner.Nothing) plan).why()).startsWith("refused").contains("victim.cloud.example.com")
                .contains("host1.cloud.example.com");
        assertThat(planner.plan(dead("host1", INC, null, 3), a, NOW, 3)).as("the configured one is attempted")
                .isInstanceOf(NovaPlanner.Attempt.class);
    }

    @Test
    void aDoneRecordWhoseMasakariStepIsDueNamingAnotherNovaHostIsRefused() {
        NovaAction a = with(pendingDown(INC), NovaAction.Status.DONE);
        NovaAction forged = new NovaAction(a.group(), a.host(), "victim.cloud.example.com", a.incarnation(), a.kind(),
                a.status(), a.verdict(), a.reason(), a.serviceId(), a.attempts(), a.lastError(), a.masakari(),
                a.requestedAt(), a.lastAttemptAt(), a.nextAttemptAt(), a.completedAt(), a.epoch(), a.updatedAt())
                .withNotification(NovaAction.MasakariStep.pending());
        NovaPlanner.Plan plan = planner.plan(dead("host1", INC, null, 3), forged, NOW, 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Nothing.class);
        assertThat(((NovaPlanner.Nothing) plan).why()).startsWith("refused").contains("victim.cloud.example.com");
    }

    private static NovaAction pendingDown(String incarnation) {
        return new NovaAction("compute", "host1", "host1.cloud.example.com", incarnation, NovaAction.Kind.FORCE_DOWN,
                NovaAction.Status.PENDING, State.DEAD, "hostwatch: DEAD", "9d3f8a3c-2b1e-4c5d-8f7a-0e1b2c3d4e5f", 0,
                null, null, NOW.minusSeconds(10), null, null, null, 3, NOW.minusSeconds(10));
    }

    private static NovaAction with(NovaAction a, NovaAction.Status status) {
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), status, a.verdict(),
                a.reason(), a.serviceId(), a.attempts() + 1, a.lastError(), a.masakari(), a.requestedAt(), NOW, null,
                NOW, a.epoch(), NOW);
    }

    private static NovaAction retryAt(NovaAction a, Instant next) {
        return new NovaAction(a.group(), a.host(), a.novaHost(), a.incarnation(), a.kind(), NovaAction.Status.PENDING,
                a.verdict(), a.reason(), a.serviceId(), a.attempts() + 1, "Nova answered 503", a.masakari(),
                a.requestedAt(), NOW, next, null, a.epoch(), NOW);
    }
}
