package io.hostwatch.service.nova;

import static io.hostwatch.service.nova.TestVerdicts.dead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.NovaAction;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader changes in the middle of an action, on a real ZooKeeper: the intent recorded before the
 * call lets a new leader finish what an old one started, once, and never repeat a completed one;
 * the epoch guard keeps a deposed leader from recording anything.
 */
@Timeout(60)
class NovaFailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path secrets;
    private NovaHarness h;

    @BeforeEach
    void setUp() {
        h = new NovaHarness(secrets);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** A Nova API whose calls wait at a gate first; interrupted there, it never reaches Nova. */
    static final class GatedNova implements NovaApi {
        private final NovaApi real;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);
        final AtomicInteger passed = new AtomicInteger();

        GatedNova(NovaApi real) {
            this.real = real;
        }

        private void gate() {
            entered.countDown();
            try {
                if (!open.await(30, TimeUnit.SECONDS)) {
                    throw OpenStackException.transientFailure(0, "gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OpenStackException.transientFailure("killed before the call", e);
            }
            passed.incrementAndGet();
        }

        @Override
        public List<ComputeService> computeServices(String novaHost) {
            gate();
            return real.computeServices(novaHost);
        }

        @Override
        public void forceDown(String serviceId, String reason) {
            real.forceDown(serviceId, reason);
        }

        @Override
        public void forceUp(String serviceId) {
            real.forceUp(serviceId);
        }

        @Override
        public void enable(String serviceId) {
            real.enable(serviceId);
        }
    }

    @Test
    void aLeaderKilledBetweenIntentAndCallIsFinishedByTheNextOneExactlyOnce() throws Exception {
        String id = h.stub.compute.addService("host1");
        GatedNova gated = new GatedNova(h.realNova());
        NovaHarness.Instance a = h.instance(gated);
        long epochA = a.lead();
        h.publish(dead("host1", "inc-1", Instant.now(), epochA));

        assertThat(gated.entered.await(15, TimeUnit.SECONDS)).as("A recorded its intent and is about to call")
                .isTrue();
        NovaAction intent = h.action("host1").orElseThrow();
        assertThat(intent.status()).isEqualTo(NovaAction.Status.PENDING);
        assertThat(intent.epoch()).isEqualTo(epochA);
        assertThat(intent.attempts()).isZero();

        a.close(); // killed: its session, its threads and its in-flight attempt are gone
        assertThat(gated.passed.get()).isZero();
        assertThat(h.stub.calls(c -> c.path.startsWith("/compute/"))).as("A never reached Nova").isEmpty();
        assertThat(h.action("host1").orElseThrow()).isEqualTo(intent);

        NovaHarness.Instance b = h.instance(false, false);
        long epochB = b.lead();
        // B's detector judges the member itself and publishes the verdict under its own epoch.
        h.publish(dead("host1", "inc-1", Instant.now(), epochB));
        await().atMost(WAIT).until(() -> h.action("host1").map(x -> x.status() == NovaAction.Status.DONE)
                .orElse(false));
        NovaAction done = h.action("host1").orElseThrow();
        assertThat(done.epoch()).isEqualTo(epochB);
        assertThat(done.requestedAt()).as("the same action, finished").isEqualTo(intent.requestedAt());
        assertThat(h.stub.forcedDownCalls(true)).singleElement().satisfies(c -> assertThat(c.status).isEqualTo(200));
        assertThat(h.stub.compute.service(id).forcedDown).isTrue();

        // Yet another leader finds it DONE and does nothing.
        b.close();
        NovaHarness.Instance c = h.instance(false, false);
        long epochC = c.lead();
        h.publish(dead("host1", "inc-1", Instant.now(), epochC));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(11))
                .until(() -> h.stub.forcedDownCalls(true).size() == 1);
        assertThat(h.stub.calls(x -> x.path.startsWith("/compute/") && x.method.equals("GET"))).hasSize(1);
    }

    @Test
    void aDeposedLeaderCannotRecordAndTheNewOneFinishes() throws Exception {
        String id = h.stub.compute.addService("host1");
        GatedNova gated = new GatedNova(h.realNova());
        NovaHarness.Instance a = h.instance(gated);
        long epochA = a.lead();
        h.publish(dead("host1", "inc-1", Instant.now(), epochA));
        assertThat(gated.entered.await(15, TimeUnit.SECONDS)).isTrue();

        // A stalls mid-attempt (a long GC, a frozen VM); meanwhile B takes a newer epoch. A still
        // believes it leads with its old epoch.
        NovaHarness.Instance b = h.instance(false, false);
        long epochB = h.newEpoch();
        b.epoch.set(epochB);

        gated.open.countDown(); // A wakes up: its call reaches Nova, but its outcome cannot be recorded
        await().atMost(WAIT).until(() -> h.stub.forcedDownCalls(true).size() == 1);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(11)).until(() -> {
            NovaAction x = h.action("host1").orElseThrow();
            return x.status() == NovaAction.Status.PENDING && x.epoch() == epochA;
        });
        assertThat(h.stub.forcedDownCalls(true)).as("A does not try again under its old epoch").hasSize(1);

        b.leader.set(true);
        h.publish(dead("host1", "inc-1", Instant.now(), epochB));
        await().atMost(WAIT).until(() -> h.action("host1").map(x -> x.status() == NovaAction.Status.DONE
                && x.epoch() == epochB).orElse(false));
        // B repeated the force-down A could not record: Nova answers the same values with 200.
        assertThat(h.stub.forcedDownCalls(true)).hasSize(2).allSatisfy(x -> assertThat(x.status).isEqualTo(200));
        assertThat(h.stub.compute.service(id).forcedDown).isTrue();
    }
}
