package io.hostwatch.schema;

/** A stored record that is torn, truncated, oversized or fails its checksum: never misread. */
public final class CorruptRecordException extends HostwatchException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
