package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class HealthCheckTest {
    @TempDir
    Path tmp;

    @Test
    void commandExitStatusDecides() {
        assertThat(HealthCheck.command("true", Duration.ofSeconds(5)).check()).isEmpty();
        assertThat(HealthCheck.command("exit 3", Duration.ofSeconds(5)).check())
                .contains("the health command exited with status 3");
    }

    @Test
    void aCommandThatHangsIsKilledAtTheTimeout() {
        long started = System.nanoTime();
        assertThat(HealthCheck.command("sleep 30", Duration.ofMillis(300)).check())
                .contains("the health command did not finish within 300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void pidFileOfALiveProcessIsHealthy() throws IOException {
        Path pidFile = Files.writeString(tmp.resolve("svc.pid"), ProcessHandle.current().pid() + "\n");
        assertThat(HealthCheck.pidFile(pidFile).check()).isEmpty();
    }

    @Test
    void missingMalformedOrDeadPidFileIsUnhealthy() throws IOException, InterruptedException {
        Path missing = tmp.resolve("missing.pid");
        assertThat(HealthCheck.pidFile(missing).check()).get().asString().contains("does not exist");

        Path garbage = Files.writeString(tmp.resolve("garbage.pid"), "nova-compute");
        assertThat(HealthCheck.pidFile(garbage).check()).get().asString().contains("does not hold a process id");

        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        Path dead = Files.writeString(tmp.resolve("dead.pid"), Long.toString(exited.pid()));
        assertThat(HealthCheck.pidFile(dead).check()).get().asString().contains("is not running");
    }
}
