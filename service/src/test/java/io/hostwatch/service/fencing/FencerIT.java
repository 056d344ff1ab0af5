package io.hostwatch.service.fencing;

import io.hostwatch.service.core.FencingGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.nova.Backoff;
import io.hostwatch.service.nova.Leadership;
import io.hostwatch.service.nova.OwnVerdicts;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.EpochGuardedRecords;
import io.hostwatch.service.zk.VerdictStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Fencer} on a real ZooKeeper: verdicts published epoch-guarded the way the detector
 * publishes them, fencer instances each on their own session like separate service processes,
 * one scripted BMC. Intent before outcome, once per incarnation, nothing sent while the brake is
 * engaged or by a superseded leader, and exactly one power-off across a leader change.
 */
@Timeout(60)
class FencerIT {
    static final String GROUP = "compute";

    TestingServer zk;
    CuratorFramework detector;
    VerdictStore verdicts;
    final FakeBmc bmc = new FakeBmc();
    final List<Instance> instances = new ArrayList<>();

    final class Instance implements AutoCloseable {
        final CuratorFramework client = client();
        final ClusterView view = new ClusterView(client);
        final AtomicBoolean leader = new AtomicBoolean();
        final AtomicLong epoch = new AtomicLong(-1);
        final List<String> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
        /** What this instance's detector leader published: {@link #publishDead} tells every instance. */
        final OwnVerdicts own = new OwnVerdicts();
        /** A brake this instance's detector engaged and has not recorded yet. */
        final AtomicBoolean localBrake = new AtomicBoolean();
        final Fencer fencer;

        Instance() {
            fencer = new Fencer(view, own, EpochGuardedRecords.fencing(client), Leadership.of(leader::get, epoch::get),
                    BmcTargets.fixed(GROUP, bmc), new FencingPlanner(Duration.ZERO),
                    new FencingRunner(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)),
                            Duration.ofSeconds(5), Duration.ofMillis(50), Clock.systemUTC(),
                            d -> Thread.sleep(d.toMillis())),
                    new Fencer.Settings(Duration.ofMillis(100), Duration.ofSeconds(30), 2, Duration.ofMillis(200)),
                    Clock.systemUTC(), System::nanoTime, new MetricRegistry(), g -> localBrake.get());
            fencer.observe((method, outcome, took) -> attempts.add(method + " " + outcome));
            view.start();
            view.awaitInitialized(10_000);
            fencer.start();
        }

        long lead() {
            epoch.set(verdicts.acquireEpoch("instance-" + System.identityHashCode(this)));
            leader.set(true);
            return epoch.get();
        }

        @Override
        public void close() {
            leader.set(false);
            fencer.close();
            view.close();
            client.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        zk = new TestingServer(true);
        detector = client();
        verdicts = new VerdictStore(detector, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        instances.forEach(Instance::close);
        detector.close();
        zk.close();
    }

    private CuratorFramework client() {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                .sessionTimeoutMs(10_000).connectionTimeoutMs(5_000).retryPolicy(new RetryOneTime(100)).build();
        c.start();
        return c;
    }

    private Instance instance() {
        Instance i = new Instance();
        instances.add(i);
        return i;
    }

    /** A DEAD verdict as the detector publishes it for a fenced group: held until the BMC confirms. */
    private void publishDead(String host, String incarnation, long epoch) {
        Verdict classified = io.hostwatch.service.testing.FencingSamples.verdict(State.DEAD, true, null);
        Verdict v = new Verdict(GROUP, host, classified.address(), State.DEAD, classified.reason(), Instant.now(),
                true, Instant.now(), incarnation, epoch, classified.evidence(), Instant.now());
        Verdict gated = FencingGate.apply(v, true, null, false, false);
        verdicts.write(gated, epoch);
        instances.forEach(i -> i.own.published(gated));
    }

    /** Written straight into ZooKeeper as anyone could with an open ACL: no leader published it. */
    private void plantDead(String host, long epoch) throws Exception {
        Verdict classified = io.hostwatch.service.testing.FencingSamples.verdict(State.DEAD, true, null);
        Verdict v = new Verdict(GROUP, host, classified.address(), State.DEAD, classified.reason(), Instant.now(),
                true, Instant.now(), "inc-planted", epoch, classified.evidence(), Instant.now());
        detector.create().creatingParentsIfNeeded().forPath(io.hostwatch.schema.ZkPaths.verdict(v.id()),
                io.hostwatch.schema.Json.write(v));
    }

    @Test
    void aPlantedVerdictNeverReachesTheBmc() throws Exception {
        Instance a = instance();
        long epoch = a.lead();
        plantDead("live1", epoch);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(12))
                .until(() -> bmc.calls.isEmpty() && record("live1").isEmpty());
    }

    private Optional<FencingAction> record(String host) {
        return EpochGuardedRecords.fencing(detector).read(MemberId.of(GROUP, host));
    }

    @Test
    void powersOffOnceRecordsIntentThenOutcomeAndNeverAgainForTheIncarnation() {
        Instance a = instance();
        long epoch = a.lead();
        publishDead("node1", "inc-1", epoch);
        await().atMost(Duration.ofSeconds(20)).until(() -> record("node1")
                .map(r -> r.status() == FencingAction.Status.CONFIRMED).orElse(false));
        FencingAction r = record("node1").orElseThrow();
        assertThat(r.incarnation()).isEqualTo("inc-1");
        assertThat(r.powerOffSent()).isEqualTo(1);
        assertThat(r.action()).isEqualTo("FORCE_OFF");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.epoch()).isEqualTo(epoch);
        assertThat(r.alreadyOff()).isFalse();
        assertThat(bmc.calls).startsWith("status", "off");
        assertThat(bmc.powerOffs()).isEqualTo(1);
        assertThat(a.attempts).as("observed for the metrics").containsExactly("fake confirmed");
        // The verdict is published again (the detector would now show it FENCED): nothing more is sent.
        publishDead("node1", "inc-1", epoch);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(11)).until(() -> bmc.powerOffs() == 1);
    }

    @Test
    void theBrakeHoldsFencingEntirely() {
        Instance a = instance();
        long epoch = a.lead();
        verdicts.writeBrake(new BrakeRecord(GROUP, true, Instant.now(), 3, 4, "3 of 4 members lost", null), epoch);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.view.brake(GROUP).map(BrakeRecord::engaged)
                .orElse(false));
        publishDead("node1", "inc-1", epoch);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(12))
                .until(() -> bmc.calls.isEmpty() && record("node1").isEmpty());
    }

    @Test
    void aBrakeEngagedBetweenTheDecisionAndThePowerOffStopsIt() {
        Instance a = instance();
        long epoch = a.lead();
        // The attempt is decided with no brake; while the BMC answers its first status read, the detector
        // engages the group's brake (not yet recorded in ZooKeeper): the power-off is not sent.
        bmc.onStatus = () -> a.localBrake.set(true);
        publishDead("node1", "inc-1", epoch);
        await("the held attempt recorded").atMost(Duration.ofSeconds(20)).until(() -> record("node1")
                .map(r -> r.lastError() != null && r.lastError().contains("brake")).orElse(false));
        FencingAction r = record("node1").orElseThrow();
        assertThat(r.status()).isEqualTo(FencingAction.Status.PENDING);
        assertThat(r.lastError()).startsWith("held before the power-off");
        assertThat(r.powerOffSent()).isZero();
        await("nothing sent while the brake holds").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(12))
                .until(() -> bmc.powerOffs() == 0);
        assertThat(bmc.calls).as("one status read, no power-off").containsExactly("status");
    }

    @Test
    void aSupersededLeaderSendsNothing() {
        Instance a = instance();
        a.lead();
        // A newer leader elsewhere publishes the verdict; a still believes it leads with its old epoch.
        long newer = verdicts.acquireEpoch("a newer leader elsewhere");
        publishDead("node1", "inc-1", newer);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(12))
                .until(() -> bmc.calls.isEmpty() && record("node1").isEmpty());
    }

    @Test
    void aLeaderChangeDuringThePowerOffGivesExactlyOnePowerOff() throws Exception {
        CountDownLatch inPowerOff = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Instance a = instance();
        Instance b = instance();
        // a's first power-off blocks in the BMC call until b has taken over.
        long epochA = a.lead();
        bmcBlocksOnce(inPowerOff, release);
        publishDead("node1", "inc-1", epochA);
        assertThat(inPowerOff.await(20, TimeUnit.SECONDS)).as("a is powering off").isTrue();
        assertThat(record("node1").orElseThrow().status()).as("intent recorded before the call")
                .isEqualTo(FencingAction.Status.PENDING);
        a.leader.set(false);
        long epochB = b.lead();
        release.countDown(); // a's call goes through now; a can no longer record its outcome
        // The power-off a sent lands before b looks at the host (b asks the BMC's status first): with b's
        // verdict published before it landed, b could find the host still on and send a second one.
        await("a's power-off lands").atMost(Duration.ofSeconds(20)).until(() -> bmc.powerOffs() == 1);
        publishDead("node1", "inc-1", epochB); // b's detector judges the member and publishes it under its epoch
        await().atMost(Duration.ofSeconds(20)).until(() -> record("node1")
                .map(r -> r.status() == FencingAction.Status.CONFIRMED).orElse(false));
        FencingAction r = record("node1").orElseThrow();
        assertThat(r.epoch()).as("b finished it").isEqualTo(epochB);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(r.alreadyOff()).as("an earlier attempt may have sent the power-off").isFalse();
        assertThat(bmc.powerOffs()).as("BMC calls " + bmc.calls).isEqualTo(1);
        assertThat(b.attempts).as("b found the power off: it sent nothing").containsExactly("fake already_off");
    }

    private void bmcBlocksOnce(CountDownLatch inPowerOff, CountDownLatch release) {
        bmc.beforePowerOff = () -> {
            inPowerOff.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bmc.beforePowerOff = null;
        };
    }
}
