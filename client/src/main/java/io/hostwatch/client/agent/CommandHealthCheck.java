package io.hostwatch.client.agent;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

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
        return ShellCommand.run("the health command", command, timeout, Map.of(), ProcessBuilder.Redirect.DISCARD);
    }

    @Override
    public String toString() {
        return "health command '" + command + "'";
    }
}
