package io.hostwatch.service.core;

import io.hostwatch.schema.MemberId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Flap damping: a member lost {@code threshold} times or more within {@code window} is held
 * non-actionable until {@code holdDown} has passed since its last loss. Times are on the
 * detector's monotonic clock. Not thread safe: used from the detector's one thread.
 */
public final class FlapDamper {
    private final int threshold;
    private final long windowNanos;
    private final long holdDownNanos;
    private final Map<MemberId, Deque<Long>> losses = new HashMap<>();

    public FlapDamper(int threshold, long windowNanos, long holdDownNanos) {
        this.threshold = threshold;
        this.windowNanos = windowNanos;
        this.holdDownNanos = holdDownNanos;
    }

    /** Records a loss of the heartbeat. */
    public void lost(MemberId id, long now) {
        Deque<Long> d = losses.computeIfAbsent(id, k -> new ArrayDeque<>());
        d.addLast(now);
        while (!d.isEmpty() && now - d.peekFirst() > windowNanos) {
            d.removeFirst();
        }
    }

    /** Forgets a member's losses (it was decommissioned). */
    public void forget(MemberId id) {
        losses.remove(id);
    }

    /** Losses within the window; 0 or 1 means the member does not flap. */
    public int flaps(MemberId id, long now) {
        Deque<Long> d = losses.get(id);
        if (d == null) {
            return 0;
        }
        while (!d.isEmpty() && now - d.peekFirst() > windowNanos + holdDownNanos) {
            d.removeFirst();
        }
        return d.size() > 1 ? d.size() : 0;
    }

    /** True while the member is held down. */
    public boolean holding(MemberId id, long now) {
        Deque<Long> d = losses.get(id);
        if (d == null || d.isEmpty()) {
            return false;
        }
        long last = d.peekLast();
        int inWindow = 0;
        for (long t : d) {
            if (last - t <= windowNanos) {
                inWindow++;
            }
        }
        return inWindow >= threshold && now - last < holdDownNanos;
    }
}
