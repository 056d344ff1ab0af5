package io.hostwatch.client.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One check of the supervised service's health, run by {@link ServiceSupervisor} on its own thread.
 * A check must return within about one health interval; it must not throw (a thrown exception
 * counts as a failed check).
 */
@FunctionalInterface
public interface HealthCheck {

    /** Runs the check: empty when the service is healthy, else one sentence saying why not. */
    Optional<String> check();

    /**
     * Runs {@code command} with {@code /bin/sh -c}; exit status 0 means healthy. A command still
     * running after {@code timeout} is killed, with its children, and counts as a failure. Its
     * output is discarded.
     */
    static HealthCheck command(String command, Duration timeout) {
        return new CommandHealthCheck(command, timeout);
    }

    /**
     * Reads a process id from {@code pidFile}; healthy while that process is alive. A missing,
     * unreadable or malformed file counts as a failure.
     */
    static HealthCheck pidFile(Path pidFile) {
        return new PidFileHealthCheck(pidFile);
    }
}
