package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.testing.BlackholePort;
import io.hostwatch.service.testing.FakeMember;
import io.hostwatch.service.testing.Hold;
import io.hostwatch.service.testing.TestKeyStores;
import io.hostwatch.service.zk.BrakeSeal;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.OperatorStore;
import io.hostwatch.service.zk.VerdictHistory;
import io.hostwatch.service.zk.VerdictStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mass-failure brake engages, is released, and engages again for a second mass loss: the
 * second time too, no verdict of the group stays actionable. Real ZooKeeper, real member sessions
 * and slots; hosts that "lose power" sit behind a loopback port that never answers.
 */
@Timeout(120)
class DetectorBrakeIT {
    private static final List<String> HOSTS = List.of("m1", "m2", "m3", "m4");

    @TempDir
    Path storage;
    @TempDir
    Path keys;

    @Test
    void brakeEngagesAgainAfterARelease() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        Clock clock = Clock.systemUTC();
        ScheduledExecutorService scan = Executors.newSingleThreadScheduledExecutor();
        try (TestingServer zk = new TestingServer();
             BlackholePort silent = new BlackholePort();
             CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                     .sessionTimeoutMs(4000).retryPolicy(new RetryOneTime(100)).build();
             PingProbe ping = new PingProbe(Duration.ofMillis(500), List.of(silent.port()), PingProbe.IcmpMode.NEVER,
                     16, clock);
             ClusterView view = new ClusterView(client);
             StorageObserver observer = new StorageObserver(storage, Duration.ofSeconds(1), Duration.ofMillis(200),
                     Duration.ofSeconds(1), 2, System::nanoTime, clock, scan,
                     view::registration);
             SelfCheck self = new SelfCheck(ping, List.of(), storage, "test", Duration.ofSeconds(1),
                     Duration.ofSeconds(1), clock)) {
            client.start();
            view.start();
            observer.start();
            self.start();
            // Releases are sealed with the service identity's key; the ensemble's ACLs are open.
            BrakeSeal seal = BrakeSeal.of(TestKeyStores.keyStore(keys, "service"));
            OperatorStore operators = new OperatorStore(client, seal);
            try (Detector detector = new Detector(client, view, new VerdictStore(client, clock), ping, observer, self,
                    new DetectorSettings(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1), 0.5, 3,
                            Duration.ofSeconds(60), 100, Duration.ofMinutes(10), Duration.ofMinutes(10)),
                    clock, System::nanoTime, "test")) {
                detector.setBrakeSeal(seal);
                detector.start();
                for (int round = 1; round <= 2; round++) {
                    List<FakeMember> members = new ArrayList<>();
                    for (String h : HOSTS) {
                        members.add(new FakeMember(zk.getConnectString(), storage, MemberId.of("g", h), "127.0.0.1"));
                    }
                    await("round " + round + " RUNNING").atMost(Duration.ofSeconds(30)).until(() ->
                            HOSTS.stream().allMatch(h -> state(client, h) == State.RUNNING));
                    for (FakeMember m : members.subList(0, 3)) {
                        m.powerOff();
                    }
                    // From the loss on, through judgement and rechecks, none of the three may be published
                    // actionable while the brake holds, not even for a moment.
                    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15))
                            .pollInterval(Duration.ofMillis(20)).until(Hold.of("none actionable", () -> HOSTS.subList(0, 3)
                                    .stream().noneMatch(h -> verdict(client, h).actionable())));
                    await("round " + round + " DEAD").atMost(Duration.ofSeconds(30)).until(() ->
                            HOSTS.subList(0, 3).stream().allMatch(h -> state(client, h) == State.DEAD));
                    assertThat(verdict(client, "m1").holds()).containsExactly(Verdict.HOLD_BRAKE);

                    await().atMost(Duration.ofSeconds(10)).until(() ->
                            view.brake("g").map(BrakeRecord::engaged).orElse(false));
                    if (round == 1) {
                        anyoneElseCannotReleaseIt(client, view);
                    }
                    OperatorAction release = new OperatorAction(OperatorAction.BRAKE_RELEASE, "cert:CN=oncall",
                            "req-round-" + round, clock.instant());
                    assertThat(operators.releaseBrake(view.brake("g").orElseThrow(), release)).isNotNull();
                    await("round " + round + " actionable after release").atMost(Duration.ofSeconds(10)).until(() ->
                            HOSTS.subList(0, 3).stream().allMatch(h -> verdict(client, h).actionable()));
                    // the transition the release caused names it, in the verdict and in its history entry
                    for (String h : HOSTS.subList(0, 3)) {
                        assertThat(verdict(client, h).operatorAction()).as(h).isEqualTo(release);
                        assertThat(newestHistoryEntry(client, h).operatorAction()).as(h).isEqualTo(release);
                    }
                    members.forEach(FakeMember::close);
                }
            }
        } finally {
            scan.shutdownNow();
        }
    }

    /** Deleting the brake node, or writing a release the service did not seal, releases nothing. */
    private static void anyoneElseCannotReleaseIt(CuratorFramework client, ClusterView view) throws Exception {
        BrakeRecord engaged = view.brake("g").orElseThrow();
        client.delete().forPath(ZkPaths.brake("g"));
        await("restored after deletion").atMost(Duration.ofSeconds(10)).until(() ->
                view.brake("g").map(BrakeRecord::engaged).orElse(false));
        client.setData().forPath(ZkPaths.brake("g"), Json.write(new BrakeRecord("g", false, engaged.engagedAt(),
                engaged.lost(), engaged.members(), "released by an operator", java.time.Instant.now(), "op")));
        await("restored after a forged release").atMost(Duration.ofSeconds(10)).until(() ->
                view.brake("g").map(BrakeRecord::engaged).orElse(false));
        await("still held").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(11)).until(Hold.of("none actionable",
                () -> HOSTS.subList(0, 3).stream().noneMatch(h -> verdict(client, h).actionable())));
    }

    private static Verdict verdict(CuratorFramework client, String host) {
        try {
            String path = ZkPaths.verdict(MemberId.of("g", host));
            return client.checkExists().forPath(path) == null ? null
                    : Json.read(client.getData().forPath(path), Verdict.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Verdict newestHistoryEntry(CuratorFramework client, String host) {
        try {
            String path = ZkPaths.history(MemberId.of("g", host));
            List<String> entries = VerdictHistory.oldestFirst(client.getChildren().forPath(path));
            return Json.read(client.getData().forPath(path + "/" + entries.get(entries.size() - 1)), Verdict.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static State state(CuratorFramework client, String host) {
        Verdict v = verdict(client, host);
        return v == null ? null : v.state();
    }
}
