package io.hostwatch.client.agent;

import io.hostwatch.schema.MemberId;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent does to fence its own host once it has been isolated for {@code fence-after}:
 * typically stop the host's virtual machines, so that they can be started elsewhere without
 * running twice on shared storage. Run by {@link IsolationGuard} on its own thread; must return
 * within its timeout and must not throw.
 */
@FunctionalInterface
public interface IsolationResponse {

    /** Runs the response: empty when it succeeded (the host is fenced), else one sentence saying why not. */
    Optional<String> run();

    /**
     * Runs {@code command} with {@code /bin/sh -c}; exit status 0 means the host is fenced. A
     * command still running after {@code timeout} is killed, with its children, and counts as a
     * failure. Its output goes to the agent's own output (its log); the environment carries
     * {@code HOSTWATCH_GROUP} and {@code HOSTWATCH_HOST}.
     */
    static IsolationResponse command(String command, Duration timeout, MemberId id) {
        Map<String, String> env = Map.of("HOSTWATCH_GROUP", id.group(), "HOSTWATCH_HOST", id.host());
        return new IsolationResponse() {
            @Override
            public Optional<String> run() {
                return ShellCommand.run("the isolation response", command, timeout, env,
                        ProcessBuilder.Redirect.INHERIT);
            }

            @Override
            public String toString() {
                return "isolation response '" + command + "'";
            }
        };
    }
}
