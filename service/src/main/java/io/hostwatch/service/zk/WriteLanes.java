package io.hostwatch.service.zk;

import io.hostwatch.schema.MemberId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which the {@link VerdictWriter} sends its writes, and how many at a time; pure (no
 * ZooKeeper, no threads, not thread-safe: the writer calls it under its lock).
 *
 * <p>Two lanes. A {@code SUSPECT} for a member with no write of its own waiting goes into the
 * <em>urgent</em> lane; everything else (final verdicts, {@code RUNNING}, brake records, and a
 * {@code SUSPECT} for a member that has a write waiting) into the <em>ordinary</em> lane, so a
 * member's writes are still sent in the order asked. The urgent lane is always taken first.
 *
 * <p>A batch is one multi-op: writes of one lane in its order, under one epoch, at most
 * {@link #MAX_BATCH_OPS} operations (plus the epoch check) and {@link #MAX_BATCH_BYTES} bytes; a
 * brake record goes alone. Ordinary batches wait while {@link #MAX_IN_FLIGHT} batches are in flight:
 * two, so that ZooKeeper always has the next batch in hand when it finishes one (and syncs its log
 * once for both), while the later writes coalesce into batches meanwhile. Urgent batches are sent
 * while fewer than {@link #MAX_IN_FLIGHT_URGENT} are in flight: one slot more, which only an urgent
 * batch may take, so a {@code SUSPECT} never waits for a round trip of the final verdicts in flight.
 * Not more, and batches not larger: a standalone ZooKeeper server takes every session's requests
 * through one queue, so whatever this session has in flight is ahead of the watchers' reads of the
 * new verdicts (the service's own cache and every subscriber). With four batches of 400 operations
 * in flight, a subscriber's read of a {@code SUSPECT} waited about 150 ms behind the final
 * verdicts in a burst of 1,000 losses. ZooKeeper applies one session's requests in the order
 * sent, so a write sent later never lands before one sent earlier.
 */
final class WriteLanes {
    static final int MAX_BATCH_OPS = 200;
    static final int MAX_BATCH_BYTES = 256 * 1024;
    /** Batches in flight at once before an ordinary batch waits. */
    static final int MAX_IN_FLIGHT = 2;
    /** Batches in flight at once before an urgent batch waits: one slot that only an urgent batch may take. */
    static final int MAX_IN_FLIGHT_URGENT = MAX_IN_FLIGHT + 1;

    private final ArrayDeque<PendingWrite> ordinary = new ArrayDeque<>();
    private final ArrayDeque<PendingWrite> urgent = new ArrayDeque<>();
    private final Map<MemberId, Integer> waiting = new HashMap<>(); // ordinary writes waiting, per member
    private int inFlight;

    void add(PendingWrite p) {
        if (p.suspect() && !waiting.containsKey(p.next().id())) {
            urgent.addLast(p);
            return;
        }
        ordinary.addLast(p);
        if (p.next() != null) {
            waiting.merge(p.next().id(), 1, Integer::sum);
        }
    }

    /** True when {@link #next()} would give a batch now. */
    boolean ready() {
        return !urgent.isEmpty() && inFlight < MAX_IN_FLIGHT_URGENT || !ordinary.isEmpty() && inFlight < MAX_IN_FLIGHT;
    }

    /** The next batch to send, counted as in flight until {@link #done()}; empty when nothing may be sent now. */
    List<PendingWrite> next() {
        List<PendingWrite> batch = new ArrayList<>();
        if (!ready()) {
            return batch;
        }
        ArrayDeque<PendingWrite> lane = !urgent.isEmpty() && inFlight < MAX_IN_FLIGHT_URGENT ? urgent : ordinary;
        int ops = 1; // the epoch check
        int bytes = 0;
        while (!lane.isEmpty()) {
            PendingWrite p = lane.peekFirst();
            boolean alone = p.brake() != null;
            if (!batch.isEmpty() && (alone || p.epoch() != batch.get(0).epoch() || ops + 2 > MAX_BATCH_OPS
                    || bytes + p.bytes() > MAX_BATCH_BYTES)) {
                break;
            }
            batch.add(lane.removeFirst());
            if (lane == ordinary && p.next() != null) {
                waiting.computeIfPresent(p.next().id(), (id, n) -> n > 1 ? n - 1 : null);
            }
            ops += p.ops();
            bytes += p.bytes();
            if (alone) {
                break;
            }
        }
        inFlight++;
        return batch;
    }

    /** A batch taken by {@link #next()} finished (written, failed or written one by one). */
    void done() {
        inFlight--;
    }

    /** Writes waiting or in flight (batches in flight count one each). */
    int backlog() {
        return ordinary.size() + urgent.size() + inFlight;
    }

    /** Empties both lanes (the writer is closing). */
    List<PendingWrite> drainAll() {
        List<PendingWrite> all = new ArrayList<>(urgent);
        all.addAll(ordinary);
        urgent.clear();
        ordinary.clear();
        waiting.clear();
        return all;
    }
}
