package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** One run of {@code /bin/sh -c COMMAND} with a timeout: what health commands and isolation responses share. */
final class ShellCommand {
    private ShellCommand() {
    }

    /**
     * Runs {@code command}, stdin from {@code /dev/null}. A command still running after
     * {@code timeout} is killed with its children; an interrupt kills it too and keeps the
     * interrupt flag set.
     *
     * @param what how messages name the command ("the health command")
     * @param env added to the agent's environment
     * @param output where stdout and stderr go
     * @return empty when it exited 0, else one sentence saying why not
     */
    static Optional<String> run(String what, String command, Duration timeout, Map<String, String> env,
                                ProcessBuilder.Redirect output) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output)
                .redirectError(output);
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Optional.of("cannot run " + what + ": " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                return Optional.of(what + " did not finish within " + Durations.format(timeout));
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return Optional.of(what + " was interrupted");
        }
        int status = process.exitValue();
        return status == 0 ? Optional.empty() : Optional.of(what + " exited with status " + status);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
