package io.hostwatch.service.fencing;

import io.hostwatch.schema.HostwatchException;

/** The BMC did not answer in time, refused the request, or answered something unreadable. */
public final class BmcException extends HostwatchException {
    private static final long serialVersionUID = 1L;

    public BmcException(String message) {
        super(message);
    }

    public BmcException(String message, Throwable cause) {
        super(message, cause);
    }
}
