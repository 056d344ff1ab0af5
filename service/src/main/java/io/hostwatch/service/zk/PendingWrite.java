package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.util.concurrent.CompletableFuture;

/**
 * One write waiting in the {@link VerdictWriter}: a verdict ({@code next} replacing {@code previous},
 * null for a first verdict) or a group's brake record, under {@code epoch}; {@code done} completes
 * when it is durable. {@code part} says which of a verdict's two operations it carries: both (the
 * verdict node and, for a transition, its history entry), or one of them when the writer sent them
 * apart ({@link VerdictWriter#publish}).
 */
record PendingWrite(Verdict next, Verdict previous, BrakeRecord brake, long epoch, byte[] data,
                    CompletableFuture<Void> done, Part part) {
    /** Which operations of a verdict a write carries. */
    enum Part {
        /** The verdict node and, when it is a transition, its history entry, in one multi-op. */
        WHOLE,
        /** The verdict node only: its history entry is a write of its own, queued right behind it. */
        VERDICT,
        /** The history entry only, of a verdict written by the {@link #VERDICT} write queued before it. */
        HISTORY
    }

    /** A whole write: the verdict with its history entry, or a brake record. */
    PendingWrite(Verdict next, Verdict previous, BrakeRecord brake, long epoch, byte[] data,
                 CompletableFuture<Void> done) {
        this(next, previous, brake, epoch, data, done, Part.WHOLE);
    }

    /** A verdict that changes the member's state (or holds): it has a history entry. */
    boolean transition() {
        return next != null && VerdictHistory.isTransition(previous, next);
    }

    /** Writes the member's verdict node. */
    boolean writesVerdict() {
        return next != null && part != Part.HISTORY;
    }

    /** Adds an entry to the member's history. */
    boolean writesHistory() {
        return part == Part.HISTORY || part == Part.WHOLE && transition();
    }

    /** The first sign of a loss: written ahead of other writes ({@link WriteLanes}). */
    boolean suspect() {
        return writesVerdict() && next.state() == State.SUSPECT;
    }

    /** Operations in a multi-op (the epoch check not counted). */
    int ops() {
        if (brake != null) {
            return 1;
        }
        return (writesVerdict() ? 1 : 0) + (writesHistory() ? 1 : 0);
    }

    int bytes() {
        return data.length * ops() + 256;
    }
}
