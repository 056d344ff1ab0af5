package io.hostwatch.schema;

/** Root of the small unchecked exception family that hostwatch's public APIs throw. */
public class HostwatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HostwatchException(String message) {
        super(message);
    }

    public HostwatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
