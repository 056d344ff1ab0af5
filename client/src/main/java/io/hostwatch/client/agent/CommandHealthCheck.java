package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link HealthCheck#command(String, Duration)}: a shell command with a timeout. */
final class CommandHealthCheck implements HealthCheck {
    private final String command;
    private final Duration timeout;

    CommandHealthCheck(String command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    @Override
    public Optional<String> check() {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Optional.of("cannot run the health command: " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                return Optional.of("the health command did not finish within " + Durations.format(timeout));
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return Optional.of("the health check was interrupted");
        }
        int status = process.exitValue();
        return status == 0 ? Optional.empty() : Optional.of("the health command exited with status " + status);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public String toString() {
        return "health command '" + command + "'";
    }
}
