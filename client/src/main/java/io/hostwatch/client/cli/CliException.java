package io.hostwatch.client.cli;

import io.hostwatch.schema.HostwatchException;

/**
 * A failure an admin verb reports as one line, {@code hostwatch VERB: error: MESSAGE}, with its
 * exit status (see {@link ExitCodes}).
 */
final class CliException extends HostwatchException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;
    private final int httpStatus;
    private final String serviceMessage;

    CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    CliException(int exitCode, String message, Throwable cause) {
        this(exitCode, message, cause, 0, null);
    }

    /**
     * A refusal the service answered with an HTTP status.
     *
     * @param serviceMessage the {@code message} of the API's JSON error, or null when the body was not one
     */
    CliException(int exitCode, String message, int httpStatus, String serviceMessage) {
        this(exitCode, message, null, httpStatus, serviceMessage);
    }

    private CliException(int exitCode, String message, Throwable cause, int httpStatus, String serviceMessage) {
        super(message, cause);
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
        this.serviceMessage = serviceMessage;
    }

    int exitCode() {
        return exitCode;
    }

    /** The HTTP status the service answered, or 0 when there was no answer. */
    int httpStatus() {
        return httpStatus;
    }

    /** The message of the API's JSON error, or null when the answer was not one (e.g. a proxy's page). */
    String serviceMessage() {
        return serviceMessage;
    }
}
