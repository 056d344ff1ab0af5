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

/**
 * {@code hostwatch agent} as a real process: SIGTERM is a graceful stop with exit status 0; started
 * before ZooKeeper, it keeps writing storage and registers once ZooKeeper is up.
 */
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

        String path = ZkPaths.heartbeat(ID);
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

    @Test
    void startedWithoutZooKeeperItKeepsItsStorageHeartbeatAndRegistersOnceZooKeeperStarts() throws Exception {
        int port = server.getPort();
        observer.close();
        server.close(); // ZooKeeper is not running when the agent starts
        Path log = tmp.resolve("agent.log");
        Path ready = tmp.resolve("agent.ready");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HostwatchCli.class.getName(), "agent", "--zk", "127.0.0.1:" + port, "--host", ID.host(),
                "--address", "127.0.0.1", "--storage", tmp.resolve("storage").toString(),
                "--storage-interval", "100ms", "--connection-timeout", "500ms", "--isolation-address", "127.0.0.1",
                "--ready-file", ready.toString()))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();

        await("storage heartbeat without ZooKeeper").atMost(Duration.ofSeconds(60))
                .failFast("agent exited", () -> !process.isAlive())
                .until(() -> Files.exists(StorageRecordCodec.slot(tmp.resolve("storage"), ID)) && slot().seq() >= 30
                        && Files.readString(log).contains("is not reachable yet"));
        assertThat(process.isAlive()).isTrue();
        assertThat(ready).doesNotExist();

        server = new TestingServer(port, true);
        observer = CuratorFrameworkFactory.newClient(server.getConnectString(), 6_000, 3_000, new RetryOneTime(100));
        observer.start();
        await("registered").atMost(Duration.ofSeconds(60)).failFast("agent exited", () -> !process.isAlive())
                .until(() -> Files.exists(ready));
        assertThat(Files.readString(ready).trim()).isEqualTo(slot().incarnation().toString());
        assertThat(observer.checkExists().forPath(ZkPaths.member(ID))).isNotNull();
        assertThat(Files.readString(log)).contains("member compute/h1 registered");

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("exit status; log:%n%s", Files.readString(log)).isZero();
        assertThat(ready).doesNotExist();
    }

    @Test
    void aReadyFileInADirectoryThatDoesNotExistIsBadUsage() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                HostwatchCli.class.getName(), "agent", "--zk", server.getConnectString(), "--host", ID.host(),
                "--address", "127.0.0.1", "--storage", tmp.resolve("storage").toString(),
                "--ready-file", tmp.resolve("no/such/dir/ready").toString()))
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("agent.log").toFile())
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(tmp.resolve("agent.log"))).contains("--ready-file");
        assertThat(tmp.resolve("storage")).doesNotExist();
    }
}
