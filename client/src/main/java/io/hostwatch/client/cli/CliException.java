package io.hostwatch.client.cli;

import io.hostwatch.schema.HostwatchException;

/**
 * A failure an admin verb reports as one line, {@code hostwatch VERB: error: MESSAGE}, with its
 * exit status (see {@link ExitCodes}).
 */
final class CliException extends HostwatchException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
