package io.hostwatch.service.nova;

import io.hostwatch.schema.HostwatchException;

/**
 * A Keystone, Nova or Masakari call that did not succeed. {@link #retryable()} tells a passing
 * failure (no answer, a timeout, a 5xx, Nova refusing a force-up while evacuations are being
 * cleaned up) from a final one (bad credentials, a policy refusal, an unknown service): the first
 * is retried with back-off, the second ends the action as FAILED.
 */
public final class OpenStackException extends HostwatchException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final int status;

    private OpenStackException(String message, boolean retryable, int status, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.status = status;
    }

    /** A failure worth retrying later; {@code status} 0 when there was no HTTP answer. */
    public static OpenStackException transientFailure(int status, String message) {
        return new OpenStackException(message, true, status, null);
    }

    public static OpenStackException transientFailure(String message, Throwable cause) {
        return new OpenStackException(message, true, 0, cause);
    }

    /** A failure that retrying will not cure. */
    public static OpenStackException finalFailure(int status, String message) {
        return new OpenStackException(message, false, status, null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** HTTP status of the answer, or 0 when there was none. */
    public int status() {
        return status;
    }
}
