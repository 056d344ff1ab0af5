package io.hostwatch.service.nova;

import java.time.Duration;

/**
 * Capped exponential back-off: {@code initial}, then twice as long after each further failure, never
 * more than {@code max}. Deterministic, so that a test (and an operator reading the record's
 * {@code nextAttemptAt}) can tell when the next attempt is due.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** The delay after the {@code failures}-th failure in a row (1 for the first). */
    public Duration delay(int failures) {
        if (failures <= 1) {
            return initial;
        }
        int doublings = Math.min(failures - 1, 40);
        long nanos = initial.toNanos();
        for (int i = 0; i < doublings && nanos < max.toNanos(); i++) {
            nanos = nanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nanos * 2;
        }
        return Duration.ofNanos(Math.min(nanos, max.toNanos()));
    }
}
