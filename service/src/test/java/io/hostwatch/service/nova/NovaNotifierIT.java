package io.hostwatch.service.nova;

import static io.hostwatch.service.nova.TestVerdicts.dead;
import static io.hostwatch.service.nova.TestVerdicts.running;
import static io.hostwatch.service.nova.TestVerdicts.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.NovaAction;
import io.hostwatch.schema.State;
import io.hostwatch.schema.StorageFlag;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's notifier on a real ZooKeeper, driven by verdicts published the way the detector
 * publishes them, against the OpenStack contract stub on 127.0.0.1.
 */
@Timeout(60)
class NovaNotifierIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path secrets;
    private NovaHarness h;
    private NovaHarness.Instance leader;
    private long epoch;

    @BeforeEach
    void setUp() {
        h = new NovaHarness(secrets);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private void startLeader(boolean masakari, boolean reenable) {
        leader = h.instance(masakari, reenable);
        epoch = leader.lead();
    }

    @Test
    void deadIsForcedDownExactlyOnceAndNotBeforeSafeToRecoverAt() {
        String id = h.stub.compute.addService("host1");
        startLeader(false, false);
        // safeToRecoverAt far enough ahead that a slow (synchronous) publish still leaves the 2 s hold
        // below, with its slack, before it; the call's own timestamp is checked against it further down.
        Instant safe = Instant.now().plusSeconds(6);
        String inc = UUID.randomUUID().toString();
        h.publish(dead("host1", inc, safe, epoch));

        await("no call before safeToRecoverAt").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> h.stub.calls().isEmpty() && h.action("host1").isEmpty());
        await().atMost(WAIT).until(() -> status("host1") == NovaAction.Status.DONE);

        List<OpenStackStub.Call> downs = h.stub.forcedDownCalls(true);
        assertThat(downs).hasSize(1);
        assertThat(downs.get(0).at).isAfterOrEqualTo(safe.minusMillis(50));
        assertThat(downs.get(0).path).isEqualTo("/compute/v2.1/os-services/" + id);
        assertThat(downs.get(0).microversion).isEqualTo("compute 2.53");
        assertThat(downs.get(0).json().get("status").asText()).isEqualTo("disabled");
        assertThat(downs.get(0).json().get("disabled_reason").asText()).startsWith("hostwatch: DEAD");
        assertThat(h.stub.compute.service(id).forcedDown).isTrue();

        NovaAction done = h.action("host1").orElseThrow();
        assertThat(done.kind()).isEqualTo(NovaAction.Kind.FORCE_DOWN);
        assertThat(done.serviceId()).isEqualTo(id);
        assertThat(done.incarnation()).isEqualTo(inc);
        assertThat(done.epoch()).isEqualTo(epoch);
        assertThat(done.attempts()).isEqualTo(1);
        await().atMost(WAIT).until(() -> "DONE".equals(leader.status("host1").state()));

        // The same verdict again (the detector re-publishing it) changes nothing.
        h.publish(dead("host1", inc, safe, epoch));
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(10))
                .until(() -> h.stub.forcedDownCalls(true).size() == 1);
    }

    @Test
    void neverCallsForAVerdictThatIsNotActionable() {
        for (String host : List.of("iso1", "svc1", "part1", "unk1", "stop1", "maint1", "susp1", "brake1")) {
            h.stub.compute.addService(host);
        }
        startLeader(true, false);
        Instant past = Instant.now().minusSeconds(10);
        h.publish(verdict("iso1", State.ISOLATED, false, null, "i1", epoch, StorageFlag.ISOLATED));
        h.publish(verdict("svc1", State.SERVICE_UNREACHABLE, false, null, "i2", epoch));
        h.publish(verdict("part1", State.PARTITIONED, false, null, "i3", epoch));
        h.publish(verdict("unk1", State.UNKNOWN, false, null, "i4", epoch));
        h.publish(verdict("stop1", State.STOPPED, false, null, "i5", epoch));
        h.publish(verdict("maint1", State.MAINTENANCE, false, null, "i6", epoch));
        h.publish(verdict("susp1", State.SUSPECT, false, null, "i7", epoch));
        h.publish(verdict("brake1", State.DEAD, false, past, "i8", epoch)); // held by the brake
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(12))
                .until(() -> h.stub.calls().isEmpty());
        assertThat(leader.status("iso1")).isEqualTo(NovaStatus.NONE);
        assertThat(h.action("brake1")).isEmpty();
    }

    @Test
    void aPlantedVerdictNeverReachesNova() {
        String id = h.stub.compute.addService("live1");
        startLeader(true, false);
        Instant past = Instant.now().minusSeconds(10);
        h.publish(running("live1", "inc-live", epoch));
        // Someone who can write the verdict znode (an ensemble with an open ACL) writes DEAD and
        // actionable for the live host, copying the current epoch; an earlier epoch too, for another.
        h.plant(dead("live1", "inc-live", past, epoch));
        h.stub.compute.addService("live2");
        h.plant(dead("live2", "inc-2", past, epoch - 1));
        await().during(Duration.ofMillis(2000)).atMost(Duration.ofSeconds(12))
                .until(() -> h.stub.calls(c -> c.path.startsWith("/compute/")).isEmpty());
        assertThat(h.stub.calls()).as("neither Nova nor Masakari is called").isEmpty();
        assertThat(h.action("live1")).isEmpty();
        assertThat(h.action("live2")).isEmpty();
        assertThat(h.stub.compute.service(id).forcedDown).isFalse();

        // The leader's own DEAD for the same member is acted on: the guard is about who wrote it.
        h.publish(dead("live1", "inc-live", past, epoch));
        await().atMost(WAIT).until(() -> status("live1") == NovaAction.Status.DONE);
        assertThat(h.stub.forcedDownCalls(true)).singleElement();
    }

    @Test
    void isolatedAndFencedIsForcedDown() {
        String id = h.stub.compute.addService("iso2");
        startLeader(false, false);
        h.publish(verdict("iso2", State.ISOLATED, true, Instant.now(), "inc-iso", epoch, StorageFlag.ISOLATED,
                StorageFlag.FENCED));
        await().atMost(WAIT).until(() -> status("iso2") == NovaAction.Status.DONE);
        assertThat(h.stub.forcedDownCalls(true)).singleElement()
                .satisfies(c -> assertThat(c.json().get("disabled_reason").asText()).contains("ISOLATED and FENCED"));
        assertThat(h.stub.compute.service(id).forcedDown).isTrue();
    }

    @Test
    void recoveryForcesUpRetryingThroughNovasRefusalWithBackoff() {
        String id = h.stub.compute.addService("host1");
        startLeader(false, false);
        h.publish(dead("host1", "inc-1", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> status("host1") == NovaAction.Status.DONE);

        h.stub.compute.refuseForceUp("host1", 2);
        h.publish(running("host1", "inc-2", epoch));
        await().atMost(WAIT).until(() -> h.action("host1").map(a -> a.kind() == NovaAction.Kind.FORCE_UP
                && a.status() == NovaAction.Status.DONE).orElse(false));

        List<OpenStackStub.Call> ups = h.stub.forcedDownCalls(false);
        assertThat(ups.stream().map(c -> c.status)).containsExactly(400, 400, 200);
        assertThat(Duration.between(ups.get(0).at, ups.get(1).at)).as("back-off, not a hot loop")
                .isGreaterThanOrEqualTo(NovaHarness.RETRY.minusMillis(20));
        assertThat(Duration.between(ups.get(1).at, ups.get(2).at)).as("doubling")
                .isGreaterThanOrEqualTo(NovaHarness.RETRY.multipliedBy(2).minusMillis(20));
        NovaAction up = h.action("host1").orElseThrow();
        assertThat(up.attempts()).isEqualTo(3);
        assertThat(up.incarnation()).isEqualTo("inc-2");
        assertThat(h.stub.compute.service(id).forcedDown).isFalse();
        assertThat(h.stub.compute.service(id).status).as("re-enabling is off by default").isEqualTo("disabled");
        assertThat(h.stub.calls(c -> c.json() != null && c.json().has("status") && c.method.equals("PUT")
                && "enabled".equals(c.json().get("status").asText()))).isEmpty();

        // Dying again later is a new failure: forced down again.
        h.publish(dead("host1", "inc-2", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> h.stub.forcedDownCalls(true).size() == 2);
    }

    @Test
    void reenablesOnlyWhenConfigured() {
        String id = h.stub.compute.addService("host1");
        startLeader(false, true);
        h.publish(dead("host1", "inc-1", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> status("host1") == NovaAction.Status.DONE);
        h.publish(running("host1", "inc-2", epoch));
        // Re-enabled first, then forced up (so that Nova never calls the compute synchronously): await both.
        await().atMost(WAIT).until(() -> "enabled".equals(h.stub.compute.service(id).status)
                && !h.stub.compute.service(id).forcedDown);
    }

    @Test
    void aNovaOutageDelaysTheActionWhichCompletesLater() {
        String id = h.stub.compute.addService("host1");
        startLeader(false, false);
        h.stub.down(true);
        h.publish(dead("host1", "inc-1", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> h.action("host1").map(a -> a.attempts() >= 2).orElse(false));
        NovaAction pending = h.action("host1").orElseThrow();
        assertThat(pending.status()).isEqualTo(NovaAction.Status.PENDING);
        assertThat(pending.lastError()).contains("503");
        assertThat(pending.nextAttemptAt()).isNotNull();
        await().atMost(WAIT).until(() -> "PENDING".equals(leader.status("host1").state())
                && leader.status("host1").lastError() != null);

        h.stub.down(false);
        await().atMost(WAIT).until(() -> status("host1") == NovaAction.Status.DONE);
        assertThat(h.stub.forcedDownCalls(true).stream().filter(c -> c.status == 200)).hasSize(1);
        assertThat(h.stub.compute.service(id).forcedDown).isTrue();
        // The counters move only once the record is written, so just after a reader sees DONE: await them.
        await().atMost(WAIT).until(() -> leader.metrics.counter("hostwatch.nova.forcedDown").getCount() == 1);
        assertThat(leader.metrics.counter("hostwatch.nova.retries").getCount()).isGreaterThanOrEqualTo(2);
        await().during(Duration.ofMillis(300)).atMost(WAIT)
                .until(() -> leader.metrics.counter("hostwatch.nova.forcedDown").getCount() == 1);
    }

    @Test
    void twoServicesOrNoneMeansNoActionAndAClearError() {
        h.stub.compute.addService("twin");
        h.stub.compute.addService("twin");
        startLeader(false, false);
        h.publish(dead("twin", "inc-t", Instant.now(), epoch));
        h.publish(dead("ghost", "inc-g", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> status("twin") == NovaAction.Status.FAILED
                && status("ghost") == NovaAction.Status.FAILED);
        assertThat(h.action("twin").orElseThrow().lastError()).contains("2 nova-compute services on host 'twin'");
        assertThat(h.action("ghost").orElseThrow().lastError()).contains("no nova-compute service on host 'ghost'");
        assertThat(h.stub.calls(c -> c.method.equals("PUT"))).isEmpty();
        await().atMost(WAIT).until(() -> "FAILED".equals(leader.status("ghost").state()));
        assertThat(leader.status("ghost").lastError()).contains("nova.hostSuffix");

        // A failed action is final for the incarnation: the verdict again does not retry it.
        h.publish(dead("ghost", "inc-g", Instant.now(), epoch));
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(10))
                .until(() -> h.stub.calls(c -> c.query != null && c.query.contains("host=ghost")).size() == 1);
    }

    @Test
    void masakariIsToldOnceAndAKeystone401MeansOneReauthentication() {
        h.stub.compute.addService("host1");
        h.stub.compute.addService("host2");
        h.stub.masakari.addHost("host1");
        startLeader(true, false);
        h.publish(dead("host1", "inc-1", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> status("host1") == NovaAction.Status.DONE);
        assertThat(h.action("host1").orElseThrow().masakari()).isEqualTo(NovaAction.Notification.ACCEPTED);
        assertThat(h.stub.notifications()).singleElement().satisfies(c -> {
            assertThat(c.json().at("/notification/hostname").asText()).isEqualTo("host1");
            assertThat(c.json().at("/notification/payload/event").asText()).isEqualTo("STOPPED");
        });

        h.stub.revokeTokens();
        h.publish(dead("host2", "inc-2", Instant.now(), epoch));
        await().atMost(WAIT).until(() -> status("host2") == NovaAction.Status.DONE);
        assertThat(h.stub.authentications()).isEqualTo(2);
        assertThat(h.action("host2").orElseThrow().masakari()).as("host2 is in no Masakari segment")
                .isEqualTo(NovaAction.Notification.REJECTED);
        assertThat(h.action("host2").orElseThrow().notification().reason()).as("REJECTED says why")
                .contains("400").contains("Host with name host2 could not be found.");
    }

    private NovaAction.Status status(String host) {
        return h.action(host).map(NovaAction::status).orElse(null);
    }
}
