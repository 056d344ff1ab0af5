package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.util.concurrent.CompletableFuture;

/**
 * One write waiting in the {@link VerdictWriter}: a verdict ({@code next} replacing {@code previous},
 * null for a first verdict) or a group's brake record, under {@code epoch}; {@code done} completes
 * when it is durable.
 */
record PendingWrite(Verdict next, Verdict previous, BrakeRecord brake, long epoch, byte[] data,
                    CompletableFuture<Void> done) {
    /** A verdict that changes the member's state (or holds): it adds a history entry in the same multi-op. */
    boolean transition() {
        return next != null && VerdictHistory.isTransition(previous, next);
    }

    /** The first sign of a loss: written ahead of other writes ({@link WriteLanes}). */
    boolean suspect() {
        return next != null && next.state() == State.SUSPECT;
    }

    /** Operations in a multi-op: the verdict, and its history entry when it is a transition. */
    int ops() {
        return transition() ? 2 : 1;
    }

    int bytes() {
        return data.length * ops() + 256;
    }
}
