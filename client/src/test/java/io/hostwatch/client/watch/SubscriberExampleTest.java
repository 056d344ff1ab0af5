package io.hostwatch.client.watch;

import static io.hostwatch.client.watch.LeaderWrites.verdict;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example of {@code docs/subscriber.md} is {@link SubscriberExample}, verbatim, and it runs as shown. */
@Timeout(60)
class SubscriberExampleTest {
    private static String exampleAsInTheDocs() throws Exception {
        Path source = Path.of(System.getProperty("user.dir"),
                "src/test/java/io/hostwatch/client/watch/SubscriberExample.java");
        String text = Files.readString(source, StandardCharsets.UTF_8);
        return text.substring(text.indexOf('\n', text.indexOf("package ")) + 1).strip() + "\n";
    }

    @Test
    void docsShowTheExampleVerbatimInUnderThirtyLines() throws Exception {
        String example = exampleAsInTheDocs();
        String doc = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../docs/subscriber.md")
                .normalize(), StandardCharsets.UTF_8);
        assertThat(doc).contains("```java\n" + example + "```");
        assertThat(example.lines().count()).isLessThan(30);
    }

    @Test
    void theExampleRunsAndPrintsChanges() throws Exception {
        System.setProperty("zookeeper.admin.enableServer", "false");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (TestingServer server = new TestingServer(true);
             CuratorFramework writer = CuratorFrameworkFactory.newClient(server.getConnectString(), 10_000, 5_000,
                     new RetryOneTime(100))) {
            writer.start();
            LeaderWrites leader = new LeaderWrites(writer);
            MemberId id = MemberId.of("compute", "host1");
            leader.publish(verdict(id, State.RUNNING, "heartbeat present"));
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            Thread main = new Thread(() -> {
                try {
                    SubscriberExample.main(new String[] {server.getConnectString()});
                } catch (InterruptedException stopped) {
                    // how the example ends
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "example-main");
            main.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> captured.toString(StandardCharsets.UTF_8)
                    .contains("1 members have a verdict"));
            leader.publish(verdict(id, State.SUSPECT, "heartbeat znode gone"));
            await().atMost(Duration.ofSeconds(20)).until(() -> captured.toString(StandardCharsets.UTF_8)
                    .contains("compute/host1: RUNNING -> SUSPECT (heartbeat znode gone)"));
            main.interrupt();
            main.join(20_000);
            assertThat(main.isAlive()).isFalse();
            assertThat(failure.get()).isNull();
        } finally {
            System.setOut(original);
        }
    }
}
