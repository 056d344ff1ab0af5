package io.hostwatch.service.nova;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.NovaAction.Notification;
import io.hostwatch.schema.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Masakari step on its own: its outcome never holds up or repeats the Nova calls, Masakari's
 * 409s are told apart (a host on maintenance is IGNORED, a duplicate of an earlier failure is sent
 * again later), REJECTED says why, and a failed Nova action does not leave Masakari PENDING.
 */
@Timeout(10)
class NovaMasakariStepTest {
    static final Instant NOW = Instant.parse("2026-11-30T03:00:00Z");
    final MutableClock clock = new MutableClock(NOW);
    final List<String> novaCalls = new ArrayList<>();
    final Deque<Supplier<MasakariApi.Answer>> answers = new ArrayDeque<>();
    final List<Instant> generated = new ArrayList<>();
    RuntimeException novaFailure;

    final NovaApi nova = new NovaApi() {
        @Override
        public List<ComputeService> computeServices(String novaHost) {
            novaCalls.add("list " + novaHost);
            if (novaFailure != null) {
                throw novaFailure;
            }
            return List.of(new ComputeService("9d3f8a3c-2b1e-4c5d-8f7a-0e1b2c3d4e5f", "nova-compute", novaHost, "up",
                    "enabled", false));
        }

        @Override
        public void forceDown(String serviceId, String reason) {
            novaCalls.add("down");
        }

        @Override
        public void forceUp(String serviceId) {
            novaCalls.add("up");
        }

        @Override
        public void enable(String serviceId) {
            novaCalls.add("enable");
        }
    };

    final MasakariApi masakari = new MasakariApi() {
        @Override
        public Answer hostStopped(String hostname, Instant generatedTime) {
            generated.add(generatedTime);
            return answers.removeFirst().get();
        }

        @Override
        public Answer clearMaintenance(String hostname) {
            return answers.removeFirst().get();
        }
    };

    final NovaActionRunner runner = new NovaActionRunner(nova, masakari, true,
            new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30)), clock);
    final NovaPlanner planner = new NovaPlanner(HostNameMapping.identity(), true, true);

    static MasakariApi.Answer answer(int status, String message) {
        return new MasakariApi.Answer(status, message, status == 202 ? "a30f15ba-79ee-4997-8bf4-5a71617ddefc" : null);
    }

    static Supplier<MasakariApi.Answer> returns(int status, String message) {
        return () -> answer(status, message);
    }

    static Supplier<MasakariApi.Answer> fails500() {
        return () -> {
            throw OpenStackException.transientFailure(500, "Masakari answered 500 to notify the failure of host1:"
                    + " Unexpected API Error.");
        };
    }

    static NovaAction forceDown() {
        return new NovaAction("compute", "host1", "host1", "inc-1", NovaAction.Kind.FORCE_DOWN,
                NovaAction.Status.PENDING, State.DEAD, "hostwatch: DEAD", null, 0, null, null, NOW, null, null, null,
                3, NOW).withNotification(NovaAction.MasakariStep.pending());
    }

    @Test
    void accepted() {
        answers.add(returns(202, "ok"));
        NovaAction done = runner.attempt(forceDown());
        assertThat(done.status()).isEqualTo(NovaAction.Status.DONE);
        assertThat(done.masakari()).isEqualTo(Notification.ACCEPTED);
        assertThat(done.notification().notificationId()).isEqualTo("a30f15ba-79ee-4997-8bf4-5a71617ddefc");
        assertThat(done.notification().generatedTime()).isEqualTo(NOW);
        assertThat(planner.plan(TestVerdicts.dead("host1", "inc-1", NOW, 3), done, NOW, 3))
                .isInstanceOf(NovaPlanner.Nothing.class);
    }

    @Test
    void aMasakariAnswering500IsRetriedOnItsOwnAndNovaIsCalledOnce() {
        answers.add(fails500());
        NovaAction done = runner.attempt(forceDown());
        assertThat(done.status()).as("Nova's part is done").isEqualTo(NovaAction.Status.DONE);
        assertThat(done.completedAt()).isEqualTo(NOW);
        assertThat(done.masakari()).isEqualTo(Notification.PENDING);
        assertThat(done.notification().reason()).contains("500");
        assertThat(done.notification().maybeStored()).isTrue();
        assertThat(done.notification().nextAttemptAt()).isEqualTo(NOW.plusSeconds(2));

        var verdict = TestVerdicts.dead("host1", "inc-1", NOW.minusSeconds(60), 3);
        assertThat(planner.plan(verdict, done, NOW.plusSeconds(1), 3)).isEqualTo(
                new NovaPlanner.WaitUntil(NOW.plusSeconds(2), "Masakari retry back-off"));
        clock.set(NOW.plusSeconds(2));
        NovaPlanner.Plan plan = planner.plan(verdict, done, clock.instant(), 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Notify.class);

        answers.add(fails500());
        NovaAction again = runner.masakariStep(((NovaPlanner.Notify) plan).done());
        assertThat(again.notification().attempts()).isEqualTo(2);
        assertThat(again.notification().nextAttemptAt()).isEqualTo(NOW.plusSeconds(2 + 4));
        clock.set(NOW.plusSeconds(6));
        answers.add(returns(202, "ok"));
        NovaAction accepted = runner.masakariStep(again);
        assertThat(accepted.masakari()).isEqualTo(Notification.ACCEPTED);
        assertThat(accepted.status()).isEqualTo(NovaAction.Status.DONE);
        assertThat(accepted.attempts()).as("Nova attempts").isEqualTo(1);
        assertThat(novaCalls).containsExactly("list host1", "down");
    }

    @Test
    void aHostOnMaintenanceIsIgnoredWithMasakarisMessage() {
        String msg = "Notification received from host host1 of type 'COMPUTE_HOST' is ignored as the host is already"
                + " under maintenance.";
        answers.add(returns(409, msg));
        NovaAction done = runner.attempt(forceDown());
        assertThat(done.masakari()).isEqualTo(Notification.IGNORED);
        assertThat(done.notification().reason()).contains(msg);
    }

    @Test
    void aDuplicateOfAnEarlierFailureIsSentAgainLaterWithALaterGeneratedTime() {
        String dup = "Notification received from host host1 of type COMPUTE_HOST is duplicate.";
        answers.add(returns(409, dup));
        NovaAction first = runner.attempt(forceDown());
        assertThat(first.masakari()).as("not handled: the earlier notification was another failure's")
                .isEqualTo(Notification.PENDING);
        assertThat(first.notification().reason()).contains("duplicate").contains("earlier failure");
        clock.set(NOW.plusSeconds(30));
        answers.add(returns(202, "ok"));
        NovaAction later = runner.masakariStep(first);
        assertThat(later.masakari()).isEqualTo(Notification.ACCEPTED);
        assertThat(generated).containsExactly(NOW, NOW.plusSeconds(30));
    }

    @Test
    void aDuplicateAfterAnUnansweredAttemptIsThisNotificationAlreadyHandled() {
        answers.add(fails500());
        NovaAction first = runner.attempt(forceDown());
        clock.set(NOW.plusSeconds(2));
        answers.add(returns(409, "Notification received from host host1 of type COMPUTE_HOST is duplicate."));
        assertThat(runner.masakariStep(first).masakari()).isEqualTo(Notification.ALREADY_HANDLED);
    }

    @Test
    void rejectedCarriesTheReason() {
        answers.add(returns(400, "Host with name host1 could not be found."));
        NovaAction done = runner.attempt(forceDown());
        assertThat(done.masakari()).isEqualTo(Notification.REJECTED);
        assertThat(done.notification().reason()).isEqualTo("Masakari answered 400: Host with name host1 could not"
                + " be found.");
    }

    @Test
    void aFailedForceDownIsNotSentToMasakari() {
        novaFailure = OpenStackException.finalFailure(403, "Nova answered 403: Policy doesn't allow"
                + " os_compute_api:os-services:list to be performed.");
        NovaAction failed = runner.attempt(forceDown());
        assertThat(failed.status()).isEqualTo(NovaAction.Status.FAILED);
        assertThat(failed.masakari()).isEqualTo(Notification.NOT_SENT);
        assertThat(failed.notification().reason()).contains("force-down failed");
        assertThat(generated).isEmpty();
    }

    @Test
    void forceUpEnablesWhileStillForcedDownThenClearsMaintenanceWhenMasakariTookTheFailure() {
        answers.add(returns(202, "ok"));
        NovaAction down = runner.attempt(forceDown());
        var running = TestVerdicts.running("host1", "inc-2", 3);
        NovaPlanner.Plan plan = planner.plan(running, down, NOW.plusSeconds(60), 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Start.class);
        NovaAction intent = ((NovaPlanner.Start) plan).intent();
        assertThat(intent.masakari()).isEqualTo(Notification.PENDING);
        novaCalls.clear();
        answers.add(returns(200, "on_maintenance cleared"));
        NovaAction up = runner.attempt(intent);
        assertThat(novaCalls).containsExactly("list host1", "enable", "up");
        assertThat(up.status()).isEqualTo(NovaAction.Status.DONE);
        assertThat(up.masakari()).isEqualTo(Notification.CLEARED);
    }

    @Test
    void noClearingWhenMasakariIgnoredTheFailure() {
        answers.add(returns(409, "... is ignored as the host is already under maintenance."));
        NovaAction down = runner.attempt(forceDown());
        NovaPlanner.Plan plan = planner.plan(TestVerdicts.running("host1", "inc-2", 3), down, NOW.plusSeconds(60), 3);
        assertThat(((NovaPlanner.Start) plan).intent().notification()).as("the maintenance was not Masakari's"
                + " doing for this failure").isNull();
    }

    @Test
    void aRecordOfTheFirstVersionStillHasItsNotificationSent() {
        NovaAction v1 = new NovaAction("compute", "host1", "host1", "inc-1", NovaAction.Kind.FORCE_DOWN,
                NovaAction.Status.DONE, State.DEAD, "r", "9d3f8a3c-2b1e-4c5d-8f7a-0e1b2c3d4e5f", 1, null,
                Notification.PENDING, NOW, NOW, null, NOW, 3, NOW);
        NovaPlanner.Plan plan = planner.plan(TestVerdicts.dead("host1", "inc-1", NOW.minusSeconds(60), 3), v1, NOW, 3);
        assertThat(plan).isInstanceOf(NovaPlanner.Notify.class);
    }
}
