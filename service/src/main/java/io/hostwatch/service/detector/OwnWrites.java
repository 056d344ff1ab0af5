package io.hostwatch.service.detector;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The verdicts this leader has sent for writing and not yet seen come back through the cluster
 * view, per member (at most {@link #KEPT} each). A verdict the view shows that is none of them was
 * written by someone else. Confined to the detector's thread.
 */
final class OwnWrites {
    static final int KEPT = 16;

    private final Map<MemberId, ArrayDeque<Verdict>> sent = new HashMap<>();

    /** {@code v} is about to be written by this leader. */
    void sent(Verdict v) {
        ArrayDeque<Verdict> q = sent.computeIfAbsent(v.id(), id -> new ArrayDeque<>());
        q.addLast(v);
        while (q.size() > KEPT) {
            q.removeFirst();
        }
    }

    /**
     * True when {@code seen} is one this leader sent (it and every older one are then forgotten:
     * the view shows writes in order, and may skip some).
     */
    boolean own(Verdict seen) {
        ArrayDeque<Verdict> q = sent.get(seen.id());
        if (q == null) {
            return false;
        }
        int drop = lastMatch(q, seen::equals);
        if (drop == 0) {
            // not equal as records (a value that does not survive its JSON form exactly): compare the bytes
            byte[] bytes = Json.write(seen);
            drop = lastMatch(q, v -> Arrays.equals(bytes, Json.write(v)));
        }
        for (int k = 0; k < drop; k++) {
            q.removeFirst();
        }
        return drop > 0;
    }

    /** One past the position of the last of {@code q} that matches, 0 when none does. */
    private static int lastMatch(ArrayDeque<Verdict> q, java.util.function.Predicate<Verdict> matches) {
        int drop = 0;
        int i = 0;
        for (Iterator<Verdict> it = q.iterator(); it.hasNext(); i++) {
            if (matches.test(it.next())) {
                drop = i + 1;
            }
        }
        return drop;
    }

    /** Everything of an earlier term is forgotten. */
    void clear() {
        sent.clear();
    }

    void forget(MemberId id) {
        sent.remove(id);
    }
}
