package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.testing.FakeMember;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector's wall clock jumping an hour forward and back changes no verdict: storage is judged
 * on the monotonic clock and sessions by ZooKeeper. Real ZooKeeper, real member sessions and slots;
 * only the detector's wall clock is the test's.
 */
@Timeout(120)
class DetectorClockJumpIT {
    @TempDir
    Path storage;

    /** The system clock plus an offset the test sets. */
    static final class JumpingClock extends Clock {
        final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset.get());
        }
    }

    @Test
    void wallClockJumpsOfAnHourChangeNoVerdict() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        JumpingClock clock = new JumpingClock();
        ScheduledExecutorService scan = Executors.newSingleThreadScheduledExecutor();
        try (TestingServer zk = new TestingServer();
             CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                     .sessionTimeoutMs(4000).retryPolicy(new RetryOneTime(100)).build();
             PingProbe ping = new PingProbe(Duration.ofSeconds(1), List.of(22), PingProbe.IcmpMode.NEVER, 16, clock);
             ClusterView view = new ClusterView(client);
             StorageObserver observer = new StorageObserver(storage, Duration.ofSeconds(3), Duration.ofMillis(500),
                     Duration.ofSeconds(1), 2, System::nanoTime, clock, scan,
                     view::registration);
             SelfCheck self = new SelfCheck(ping, List.of(), storage, "test", Duration.ofSeconds(1),
                     Duration.ofSeconds(1), clock)) {
            client.start();
            view.start();
            observer.start();
            self.start();
            try (Detector detector = new Detector(client, view, new VerdictStore(client, clock), ping, observer, self,
                    new DetectorSettings(Duration.ofSeconds(4), Duration.ofMillis(500), Duration.ofSeconds(3)),
                    clock, System::nanoTime, "test");
                 FakeMember m1 = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute", "j1"),
                         "127.0.0.1");
                 FakeMember m2 = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute", "j2"),
                         "127.0.0.1")) {
                // Both members are registered before the detector starts, as after a service restart or a
                // leader change: the new term watches their slots too, so both RUNNING verdicts carry storage
                // evidence (that the jumps below could disturb) and a stalled slot is pinged early.
                await("both registrations in the view").atMost(Duration.ofSeconds(30))
                        .until(() -> view.registration(m1.id).isPresent() && view.registration(m2.id).isPresent());
                detector.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> state(client, m1.id) == State.RUNNING
                        && state(client, m2.id) == State.RUNNING);
                // The RUNNING verdicts are republished once storage observation has FRESH evidence: take the
                // versions only after both carry it, so that republish cannot fall into the holds below.
                await("FRESH storage evidence").atMost(Duration.ofSeconds(30)).until(() ->
                        storageStatus(client, m1.id) == SignalStatus.Storage.FRESH
                                && storageStatus(client, m2.id) == SignalStatus.Storage.FRESH);
                Map<String, Integer> versions = versions(client, m1.id, m2.id);

                for (Duration jump : List.of(Duration.ofHours(1), Duration.ofHours(-1))) {
                    clock.offset.set(jump);
                    // Ten rechecks and six storage scans under the jumped clock: no verdict is rewritten.
                    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                            .until(() -> versions(client, m1.id, m2.id).equals(versions));
                }
                m1.powerOff();
                await().atMost(Duration.ofSeconds(15)).until(() -> state(client, m1.id) == State.SERVICE_UNREACHABLE);
                assertThat(state(client, m2.id)).isEqualTo(State.RUNNING);
            }
        } finally {
            scan.shutdownNow();
        }
    }

    private static State state(CuratorFramework client, MemberId id) throws Exception {
        if (client.checkExists().forPath(ZkPaths.verdict(id)) == null) {
            return null;
        }
        return Json.read(client.getData().forPath(ZkPaths.verdict(id)), Verdict.class).state();
    }

    private static SignalStatus.Storage storageStatus(CuratorFramework client, MemberId id) throws Exception {
        if (client.checkExists().forPath(ZkPaths.verdict(id)) == null) {
            return null;
        }
        Verdict v = Json.read(client.getData().forPath(ZkPaths.verdict(id)), Verdict.class);
        return v.state() == State.RUNNING && v.evidence() != null && v.evidence().storage() != null
                ? v.evidence().storage().status() : null;
    }

    private static Map<String, Integer> versions(CuratorFramework client, MemberId... ids) throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        for (MemberId id : ids) {
            Stat stat = client.checkExists().forPath(ZkPaths.verdict(id));
            out.put(id.host(), stat == null ? -1 : stat.getVersion());
        }
        return out;
    }
}
