package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Verdict;
import java.io.Closeable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The detector's one guarded writer: verdicts and brake records are written under the leader's
 * epoch off the detector's thread, in the order they were asked for, so a member's verdicts land
 * in order. Each call returns a future that completes when the write is durable, or exceptionally
 * ({@link VerdictStore.FencedException} when the epoch was superseded: nothing was written).
 */
public final class VerdictWriter implements Closeable {
    private final VerdictStore store;
    private final ExecutorService executor;

    public VerdictWriter(VerdictStore store) {
        this.store = store;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostwatch-verdict-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes {@code next} (replacing {@code previous}, null for a first verdict) under {@code epoch}. */
    public CompletableFuture<Void> publish(Verdict next, Verdict previous, long epoch) {
        return run(() -> store.write(next, previous, epoch));
    }

    /** Writes a group's brake record under {@code epoch}. */
    public CompletableFuture<Void> writeBrake(BrakeRecord record, long epoch) {
        return run(() -> store.writeBrake(record, epoch));
    }

    private CompletableFuture<Void> run(Runnable write) {
        try {
            return CompletableFuture.runAsync(write, executor);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(closed);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
