package io.hostwatch.service.probe;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every tracked member's storage slot at a low rate, so that when a heartbeat znode
 * disappears the storage judgement is already known.
 *
 * <p>A slot is {@code FRESH} when its record (sequence counter or incarnation) changed within
 * {@code staleAfter}, measured on the detector's monotonic clock; {@code STALE} when it has not
 * changed for {@code staleAfter} and the detector has watched it at least that long; {@code UNKNOWN}
 * when the detector cannot read it (I/O error or a read that has not returned within
 * {@code readTimeout}). Wall clocks and file mtimes are never compared.
 *
 * <p>Reads run on a bounded pool; a slot never has more than one read in flight, so a hung
 * file holds at most one thread and never blocks the caller.
 */
public final class StorageObserver implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageObserver.class);
    private static final long JUDGE_REREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Path root;
    private final long staleAfterNanos;
    private final long intervalNanos;
    private final long readTimeoutNanos;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor readers;
    private final Map<MemberId, Slot> slots = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> scan;

    public StorageObserver(Path root, Duration staleAfter, Duration interval, Duration readTimeout, int readThreads,
                           LongSupplier nanoTime, Clock clock, ScheduledExecutorService scheduler) {
        this.root = root;
        this.staleAfterNanos = staleAfter.toNanos();
        this.intervalNanos = interval.toNanos();
        this.readTimeoutNanos = readTimeout.toNanos();
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.scheduler = scheduler;
        AtomicInteger n = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(readThreads, readThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(100_000), r -> {
                    Thread t = new Thread(r, "hostwatch-storage-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.readers.allowCoreThreadTimeOut(true);
    }

    /** Starts the periodic observation of every tracked slot. */
    public void start() {
        scan = scheduler.scheduleWithFixedDelay(this::scanAll, 0, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Begins watching a member's slot (idempotent). */
    public void track(MemberId id) {
        slots.computeIfAbsent(id, k -> new Slot(StorageRecordCodec.slot(root, k)));
    }

    public void untrack(MemberId id) {
        slots.remove(id);
    }

    public int tracked() {
        return slots.size();
    }

    private void scanAll() {
        try {
            for (Slot slot : slots.values()) {
                slot.read();
            }
        } catch (RuntimeException e) {
            LOG.warn("storage scan failed: {}", e.toString());
        }
    }

    /** Reads one slot now (or joins the read in flight). */
    CompletableFuture<Void> refresh(MemberId id) {
        Slot slot = slots.get(id);
        return slot == null ? CompletableFuture.completedFuture(null) : slot.read();
    }

    /** The current judgement of a slot, or null while it cannot be decided yet. */
    public Evidence.Storage current(MemberId id) {
        Slot slot = slots.get(id);
        return slot == null ? null : slot.evaluate(nanoTime.getAsLong(), Long.MIN_VALUE);
    }

    /**
     * Reads the slot now and completes with a decided judgement: at once when the history already
     * decides it, otherwise after further reads, within about {@code staleAfter}. Never completes
     * exceptionally.
     */
    public CompletableFuture<Evidence.Storage> judge(MemberId id) {
        return judge(id, Long.MIN_VALUE);
    }

    /**
     * Like {@link #judge(MemberId)}, but {@code FRESH} only on an advance seen after
     * {@code freshAfterNanos} (the moment the heartbeat was lost): a counter that last moved just
     * before a power loss is not taken for a live host; the judgement waits for the next write or
     * for the slot to go stale.
     */
    public CompletableFuture<Evidence.Storage> judge(MemberId id, long freshAfterNanos) {
        track(id);
        CompletableFuture<Evidence.Storage> result = new CompletableFuture<>();
        long deadline = nanoTime.getAsLong() + staleAfterNanos + readTimeoutNanos + intervalNanos;
        judgeStep(slots.get(id), id, result, deadline, freshAfterNanos);
        return result;
    }

    private void judgeStep(Slot slot, MemberId id, CompletableFuture<Evidence.Storage> result, long deadline,
                           long freshAfter) {
        if (slot == null || slots.get(id) != slot) {
            result.complete(unknown("member no longer tracked"));
            return;
        }
        // A hung read must not hang the judgement: after readTimeout, evaluate anyway (UNKNOWN).
        slot.read().copy().completeOnTimeout(null, readTimeoutNanos + 1_000_000, TimeUnit.NANOSECONDS)
                .whenComplete((ignored, error) -> {
            long now = nanoTime.getAsLong();
            Evidence.Storage e = slot.evaluate(now, freshAfter);
            if (e != null) {
                result.complete(e);
            } else if (now - deadline >= 0) {
                result.complete(unknown("no decision within the observation window"));
            } else {
                try {
                    // Re-read often while judging: one small file, for a few seconds at most.
                    scheduler.schedule(() -> judgeStep(slot, id, result, deadline, freshAfter),
                            Math.min(Math.min(intervalNanos, staleAfterNanos / 3), JUDGE_REREAD_NANOS),
                            TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closed) {
                    result.complete(unknown("detector stopping"));
                }
            }
        });
    }

    private Evidence.Storage unknown(String why) {
        return new Evidence.Storage(SignalStatus.Storage.UNKNOWN, clock.instant(), null, null, null, null, why);
    }

    @Override
    public void close() {
        ScheduledFuture<?> s = scan;
        if (s != null) {
            s.cancel(false);
        }
        readers.shutdownNow();
    }

    ExecutorService readers() {
        return readers;
    }

    /** Observation history of one slot. All fields guarded by {@code this}. */
    private final class Slot {
        private final Path path;
        private long firstObservedNanos = Long.MIN_VALUE;
        private long lastAdvanceNanos = Long.MIN_VALUE;
        private StorageRecord last;
        private String problem;
        private boolean ioError;
        private CompletableFuture<Void> inFlight;
        private long inFlightSince;

        Slot(Path path) {
            this.path = path;
        }

        /** Starts a read unless one is in flight; the future completes when that read ends. */
        synchronized CompletableFuture<Void> read() {
            if (inFlight != null && !inFlight.isDone()) {
                return inFlight;
            }
            inFlightSince = nanoTime.getAsLong();
            try {
                inFlight = CompletableFuture.runAsync(this::readNow, readers);
            } catch (RejectedExecutionException e) {
                inFlight = CompletableFuture.completedFuture(null);
                problem = "storage read queue full";
            }
            return inFlight;
        }

        private void readNow() {
            StorageRecord record = null;
            String why = null;
            boolean failed = false;
            for (int attempt = 0; attempt < 2 && record == null; attempt++) {
                try {
                    record = StorageRecordCodec.decode(readBytes(path));
                    why = null;
                } catch (NoSuchFileException e) {
                    why = "no slot file " + path;
                    break;
                } catch (CorruptRecordException e) {
                    why = "unreadable record: " + e.getMessage(); // torn: read once more
                } catch (IOException e) {
                    why = "cannot read " + path + ": " + e.getMessage();
                    failed = true;
                    break;
                }
            }
            observed(record, why, failed, nanoTime.getAsLong());
        }

        private synchronized void observed(StorageRecord record, String why, boolean failed, long now) {
            if (firstObservedNanos == Long.MIN_VALUE) {
                firstObservedNanos = now;
            }
            ioError = failed;
            problem = why;
            if (record != null) {
                if (last != null && (record.seq() != last.seq() || !record.incarnation().equals(last.incarnation()))) {
                    lastAdvanceNanos = now;
                }
                last = record;
            }
        }

        synchronized Evidence.Storage evaluate(long now, long freshAfter) {
            if (inFlight != null && !inFlight.isDone() && now - inFlightSince > readTimeoutNanos) {
                return evidence(SignalStatus.Storage.UNKNOWN, now, "storage read has not returned for "
                        + TimeUnit.NANOSECONDS.toMillis(now - inFlightSince) + " ms");
            }
            if (firstObservedNanos == Long.MIN_VALUE) {
                return null;
            }
            if (ioError) {
                return evidence(SignalStatus.Storage.UNKNOWN, now, problem);
            }
            boolean advanced = lastAdvanceNanos != Long.MIN_VALUE;
            if (advanced && now - lastAdvanceNanos < staleAfterNanos) {
                if (freshAfter == Long.MIN_VALUE || lastAdvanceNanos - freshAfter > 0) {
                    return evidence(SignalStatus.Storage.FRESH, now, problem == null ? "counter advancing" : problem);
                }
                return null; // moved recently, but not since the heartbeat was lost: wait and see
            }
            if (now - firstObservedNanos >= staleAfterNanos) {
                return evidence(SignalStatus.Storage.STALE, now, problem != null ? problem
                        : "counter has not advanced for " + TimeUnit.NANOSECONDS.toMillis(sinceAdvance(now)) + " ms");
            }
            return null;
        }

        private long sinceAdvance(long now) {
            return now - (lastAdvanceNanos != Long.MIN_VALUE ? lastAdvanceNanos : firstObservedNanos);
        }

        private Evidence.Storage evidence(SignalStatus.Storage status, long now, String detail) {
            Long millis = firstObservedNanos == Long.MIN_VALUE ? null
                    : TimeUnit.NANOSECONDS.toMillis(sinceAdvance(now));
            return new Evidence.Storage(status, clock.instant(), last == null ? null : last.seq(),
                    last == null ? null : last.flags(), millis,
                    last == null ? null : last.incarnation().toString(), detail);
        }
    }

    /** Reads a whole slot; a file of the wrong size is returned as is and rejected by the codec. */
    static byte[] readBytes(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(StorageRecordCodec.LENGTH + 1);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading: a short read is not the end of the file
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }
}
