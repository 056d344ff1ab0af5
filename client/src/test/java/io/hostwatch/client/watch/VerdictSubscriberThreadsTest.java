package io.hostwatch.client.watch;

import static io.hostwatch.client.watch.LeaderWrites.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VerdictSubscriber#close()} leaves no thread behind, including those of the client it created. */
@Timeout(60)
class VerdictSubscriberThreadsTest {
    private static Set<Thread> live() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    private static List<String> namesOfNew(Set<Thread> before) {
        return live().stream().filter(t -> !before.contains(t)).map(Thread::getName).sorted().toList();
    }

    @Test
    void closeLeavesNoThreadsBehind() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        try (TestingServer server = new TestingServer(true);
             CuratorFramework writer = CuratorFrameworkFactory.newClient(server.getConnectString(), 10_000, 5_000,
                     new RetryOneTime(100))) {
            writer.start();
            LeaderWrites leader = new LeaderWrites(writer);
            MemberId id = MemberId.of("compute", "h1");
            leader.publish(verdict(id, State.RUNNING, "up"));
            Set<Thread> before = live();

            RecordingListener rec = new RecordingListener();
            VerdictSubscriber subscriber = VerdictSubscriber.builder(server.getConnectString(), Duration.ofSeconds(6))
                    .listener(rec).build();
            subscriber.start();
            assertThat(subscriber.awaitInitialized(Duration.ofSeconds(20))).isTrue();
            leader.publish(verdict(id, State.SUSPECT, "down"));
            await().atMost(Duration.ofSeconds(20)).until(() -> rec.changes.size() == 1);
            List<String> running = namesOfNew(before);
            assertThat(running).as("threads of a running subscriber").anyMatch(n -> n.startsWith("hostwatch-subscriber-"))
                    .anyMatch(n -> n.contains("SendThread"));

            subscriber.close();
            assertThat(subscriber.state()).isEqualTo(VerdictSubscriber.State.CLOSED);
            // ZooKeeper's event thread ends just after close() returns: wait for it, do not sleep.
            await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(namesOfNew(before)).as("threads left after close()").isEmpty());
        }
    }
}
