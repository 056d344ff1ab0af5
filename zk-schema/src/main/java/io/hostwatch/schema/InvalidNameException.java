package io.hostwatch.schema;

/** A group or host name that is not an RFC 1123 label. Nothing is ever created from one. */
public final class InvalidNameException extends HostwatchException {
    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }
}
