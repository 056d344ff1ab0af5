package io.hostwatch.service.core;

import io.hostwatch.schema.MemberId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The mass-failure brake's arithmetic: losses per group within a sliding window, on the
 * detector's monotonic clock. When more than {@code threshold} of a group (and at least
 * {@code minMembers} members) is lost within {@code window}, the brake should engage.
 *
 * <p>Each loss costs O(1) (amortised): the window is a queue of losses plus, per group, the time
 * of each member's latest loss, so a member lost twice counts once and expiry only looks at the
 * head of the queue. Not thread safe: used from the detector's one thread.
 */
public final class MassFailureBrake {
    private record Loss(MemberId id, long at) {
    }

    private static final class Window {
        final Deque<Loss> queue = new ArrayDeque<>();
        final Map<MemberId, Long> latest = new HashMap<>();
    }

    private final double threshold;
    private final int minMembers;
    private final long window;
    private final Map<String, Window> losses = new HashMap<>();

    public MassFailureBrake(double threshold, int minMembers, long window) {
        this.threshold = threshold;
        this.minMembers = minMembers;
        this.window = window;
    }

    /**
     * Records that {@code id} was lost at {@code now}.
     *
     * @param groupSize members of the group (lost ones included)
     * @return how many distinct members of the group were lost within the window, when that is
     *         enough to engage the brake; else 0
     */
    public int lost(MemberId id, long now, int groupSize) {
        Window w = losses.computeIfAbsent(id.group(), g -> new Window());
        w.queue.addLast(new Loss(id, now));
        w.latest.put(id, now);
        expire(w, now);
        int count = w.latest.size();
        boolean engage = count >= minMembers && count > threshold * groupSize;
        return engage ? count : 0;
    }

    /** Distinct members of a group lost within the window now. */
    public int recent(String group, long now) {
        Window w = losses.get(group);
        if (w == null) {
            return 0;
        }
        expire(w, now);
        return w.latest.size();
    }

    /** Forgets a group's losses (an operator released its brake). */
    public void reset(String group) {
        losses.remove(group);
    }

    /** Forgets one member's losses (it was decommissioned). */
    public void forget(MemberId id) {
        Window w = losses.get(id.group());
        if (w != null) {
            w.latest.remove(id);
        }
    }

    private void expire(Window w, long now) {
        while (!w.queue.isEmpty() && now - w.queue.peekFirst().at > window) {
            Loss old = w.queue.removeFirst();
            Long latest = w.latest.get(old.id);
            if (latest != null && latest == old.at) {
                w.latest.remove(old.id);
            }
        }
    }
}
