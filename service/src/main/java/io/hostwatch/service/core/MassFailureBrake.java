package io.hostwatch.service.core;

import io.hostwatch.schema.MemberId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The mass-failure brake's arithmetic: losses per group within a sliding window, on the
 * detector's monotonic clock. When more than {@code threshold} of a group (and at least
 * {@code minMembers} members) is lost within {@code window}, the brake should engage. Not thread
 * safe: used from the detector's one thread.
 */
public final class MassFailureBrake {
    private record Loss(MemberId id, long at) {
    }

    private final double threshold;
    private final int minMembers;
    private final long windowNanos;
    private final Map<String, Deque<Loss>> losses = new HashMap<>();

    public MassFailureBrake(double threshold, int minMembers, long windowNanos) {
        this.threshold = threshold;
        this.minMembers = minMembers;
        this.windowNanos = windowNanos;
    }

    /**
     * Records that {@code id} was lost at {@code now}.
     *
     * @param groupSize members of the group (lost ones included)
     * @return how many distinct members of the group were lost within the window, when that is
     *         enough to engage the brake; else 0
     */
    public int lost(MemberId id, long now, int groupSize) {
        Deque<Loss> group = losses.computeIfAbsent(id.group(), g -> new ArrayDeque<>());
        group.removeIf(l -> l.id.equals(id));
        group.addLast(new Loss(id, now));
        expire(group, now);
        int count = group.size();
        boolean engage = count >= minMembers && count > threshold * groupSize;
        return engage ? count : 0;
    }

    /** Losses in the window of a group now. */
    public int recent(String group, long now) {
        Deque<Loss> g = losses.get(group);
        if (g == null) {
            return 0;
        }
        expire(g, now);
        return g.size();
    }

    /** Forgets a group's losses (an operator released its brake). */
    public void reset(String group) {
        losses.remove(group);
    }

    private void expire(Deque<Loss> group, long now) {
        while (!group.isEmpty() && now - group.peekFirst().at > windowNanos) {
            group.removeFirst();
        }
    }
}
