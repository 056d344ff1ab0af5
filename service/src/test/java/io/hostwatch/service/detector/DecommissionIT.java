package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.resources.GroupsResource;
import io.hostwatch.service.testing.BlackholePort;
import io.hostwatch.service.testing.FakeMember;
import io.hostwatch.service.testing.Hold;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.OperatorStore;
import io.hostwatch.service.zk.VerdictStore;
import jakarta.ws.rs.WebApplicationException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * Decommissioning through {@code DELETE /v1/groups/{g}/members/{h}}: refused while the heartbeat
 * is present; afterwards the verdict and history are gone, stay gone through the leader's rechecks,
 * and the member's slot is no longer watched. Real ZooKeeper, a real member session and slot.
 */
@Timeout(120)
class DecommissionIT {
    @TempDir
    Path storage;

    @Test
    void forgottenMemberStaysForgotten() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        Clock clock = Clock.systemUTC();
        MemberId id = MemberId.of("g", "m1");
        ScheduledExecutorService scan = Executors.newSingleThreadScheduledExecutor();
        try (TestingServer zk = new TestingServer();
             BlackholePort silent = new BlackholePort();
             CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk.getConnectString())
                     .sessionTimeoutMs(4000).retryPolicy(new RetryOneTime(100)).build();
             PingProbe ping = new PingProbe(Duration.ofMillis(300), List.of(silent.port()), PingProbe.IcmpMode.NEVER,
                     4, clock);
             ClusterView view = new ClusterView(client);
             StorageObserver observer = new StorageObserver(storage, Duration.ofSeconds(1), Duration.ofMillis(200),
                     Duration.ofSeconds(1), 2, System::nanoTime, clock, scan, view::registration);
             SelfCheck self = new SelfCheck(ping, List.of(), storage, "test", Duration.ofSeconds(1),
                     Duration.ofSeconds(1), clock)) {
            client.start();
            view.start();
            observer.start();
            self.start();
            GroupsResource rest = new GroupsResource(view, m -> null, new OperatorStore(client));
            try (Detector detector = new Detector(client, view, new VerdictStore(client, clock), ping, observer, self,
                    new DetectorSettings(Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1)),
                    clock, System::nanoTime, "test")) {
                detector.start();
                FakeMember member = new FakeMember(zk.getConnectString(), storage, id, "127.0.0.1");
                await().atMost(Duration.ofSeconds(30)).until(() -> view.verdict(id)
                        .map(v -> v.state() == State.RUNNING).orElse(false));
                assertThatThrownBy(() -> rest.forget("g", "m1", null, null)).isInstanceOfSatisfying(WebApplicationException.class,
                        e -> assertThat(e.getResponse().getStatus()).isEqualTo(409));
                assertThat(view.verdict(id)).isPresent();

                member.powerOff();
                await().atMost(Duration.ofSeconds(30)).until(() -> view.verdict(id)
                        .map(v -> v.state() == State.DEAD).orElse(false));
                assertThat(client.checkExists().forPath(ZkPaths.history(id))).isNotNull();
                assertThat(rest.forget("g", "m1", null, null).getStatus()).isEqualTo(204);

                // through several rechecks (300 ms) nothing brings it back, and its slot is not watched
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).until(Hold.of("forgotten", () ->
                        client.checkExists().forPath(ZkPaths.verdict(id)) == null && view.verdict(id).isEmpty()));
                assertThat(client.checkExists().forPath(ZkPaths.history(id))).isNull();
                assertThat(observer.tracked()).isZero();
                assertThatThrownBy(() -> rest.forget("g", "m1", null, null)).isInstanceOfSatisfying(WebApplicationException.class,
                        e -> assertThat(e.getResponse().getStatus()).isEqualTo(404));
            }
        } finally {
            scan.shutdownNow();
        }
    }
}
