package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import io.hostwatch.schema.ZkPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostwatch agent} as a real process: SIGTERM is a graceful stop with exit status 0. */
@Timeout(90)
class AgentProcessTest {
    private static final MemberId ID = MemberId.of("compute", "h1");

    @TempDir
    Path tmp;

    private TestingServer server;
    private CuratorFramework observer;
    private Process process;

    @BeforeEach
    void setUp() throws Exception {
        server = new TestingServer(true);
        observer = CuratorFrameworkFactory.newClient(server.getConnectString(), 6_000, 3_000, new RetryOneTime(100));
        observer.start();
        assertThat(observer.blockUntilConnected(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        observer.close();
        server.close();
    }

    private StorageRecord slot() throws IOException {
        return StorageRecordCodec.decode(Files.readAllBytes(StorageRecordCodec.slot(tmp.resolve("storage"), ID)));
    }

    @Test
    void sigtermStopsGracefullyWithStatusZero() throws Exception {
        Path log = tmp.resolve("agent.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HostwatchCli.class.getName(), "agent", "--zk", server.getConnectString(), "--host", ID.host(),
                "--address", "127.0.0.1", "--storage", tmp.resolve("storage").toString(),
                "--storage-interval", "100ms"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

        String path = ZkPaths.member(ID);
        await().atMost(Duration.ofSeconds(30)).until(() -> observer.checkExists().forPath(path) != null);
        await().atMost(Duration.ofSeconds(5)).until(() -> slot().seq() >= 3);

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("agent stopped; log:%n%s", Files.readString(log))
                .isTrue();
        assertThat(process.exitValue()).as("exit status; log:%n%s", Files.readString(log)).isZero();

        assertThat(observer.checkExists().forPath(path)).isNull();
        assertThat(slot().has(StorageFlag.STOPPING)).isTrue();
        assertThat(Files.readString(log)).contains("received SIGTERM", "member compute/h1 stopped");
    }
}
