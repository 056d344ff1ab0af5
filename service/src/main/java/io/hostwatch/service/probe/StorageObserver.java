package io.hostwatch.service.probe;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every tracked member's storage slot at a low rate, so that when a heartbeat znode
 * disappears the storage judgement is already known.
 *
 * <p>Only the member's own records count. The member's registration (looked up on every read and
 * remembered after the znode is gone) names its incarnation and its storage key; a record
 * <em>advances</em> the slot only when it is signed by that key for this slot, is of that
 * incarnation, has a strictly increasing counter, and was written after the previous read.
 * Forged, foreign, replayed, older and (once a key is registered) unsigned records never do, and
 * flags and counters are reported from the member's own records only.
 *
 * <p>A slot is {@code FRESH} when it advanced within {@code staleAfter}, measured on the
 * detector's monotonic clock; {@code STALE} when it has not advanced for {@code staleAfter}, the
 * detector has watched it at least that long and its content stood still for {@code staleAfter};
 * {@code UNKNOWN} when the detector cannot read it (I/O error or a read that has not returned
 * within {@code readTimeout}), when it is not a regular file (a symlink or FIFO is never opened),
 * or when its content changed within {@code staleAfter} to something that is not an advance:
 * someone other than the member writes it, and a dead host cannot be told from a live one whose
 * records are overwritten. Wall clocks and file mtimes are never compared.
 *
 * <p>Reads run on a bounded pool; a slot never has more than one read in flight, so a hung
 * file holds at most one thread and never blocks the caller. A judgement's reads (a heartbeat just
 * lost) are urgent: they go to two threads of their own, and a judgement that finds its slot's read
 * still queued behind the periodic scan has it run there at once (whichever thread takes the read
 * first does it; the other skips it). A read hung in opening a FIFO that
 * was swapped in during the read is released by {@link SlotFile#releaseFifo}.
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
    private final ThreadPoolExecutor rescuer;
    private final ThreadPoolExecutor urgentReaders;
    private final Function<MemberId, Optional<MemberRegistration>> registrations;
    private final Map<MemberId, Slot> slots = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> scan;
    /** Runs between a slot's attribute check and its open: tests swap files in here. */
    volatile Consumer<Path> beforeOpen = path -> { };
    private volatile Consumer<MemberId> stallListener;
    private volatile long stallNanos = Long.MAX_VALUE;
    private volatile ReadObserver readObserver = (result, took) -> { };

    /**
     * @param registrations the member's current registration, if its heartbeat znode exists: it
     *                      names the incarnation and key whose records count (remembered per slot
     *                      once seen, so a member whose znode is gone is still verified)
     */
    public StorageObserver(Path root, Duration staleAfter, Duration interval, Duration readTimeout, int readThreads,
                           LongSupplier nanoTime, Clock clock, ScheduledExecutorService scheduler,
                           Function<MemberId, Optional<MemberRegistration>> registrations) {
        this.root = root;
        this.registrations = registrations;
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
        AtomicInteger u = new AtomicInteger();
        this.urgentReaders = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(20_000), r -> {
            Thread t = new Thread(r, "hostwatch-storage-urgent-" + u.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.urgentReaders.allowCoreThreadTimeOut(true);
        this.rescuer = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "hostwatch-storage-rescue");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        this.rescuer.allowCoreThreadTimeOut(true);
    }

    /** Starts the periodic observation of every tracked slot. */
    public void start() {
        scan = scheduler.scheduleWithFixedDelay(this::scanAll, 0, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /** Begins watching a member's slot (idempotent). */
    public void track(MemberId id) {
        slots.computeIfAbsent(id, k -> new Slot(k, StorageRecordCodec.slot(root, k)));
    }

    public void untrack(MemberId id) {
        slots.remove(id);
    }

    public int tracked() {
        return slots.size();
    }

    /**
     * Tells {@code stalled} (on the scan thread: it must not block) about every tracked slot whose
     * counter has been watched advancing and then not advanced for {@code after}, at every scan
     * while that lasts. The detector uses it to ping a host before its heartbeat znode goes.
     */
    public void onStall(Duration after, Consumer<MemberId> stalled) {
        this.stallNanos = after.toNanos();
        this.stallListener = stalled;
    }

    /**
     * Hears each slot read when it ends: what it found and how long it took on the detector's
     * monotonic clock. Called on the reading thread; it must not block.
     */
    @FunctionalInterface
    public interface ReadObserver {
        /**
         * @param result {@code ok} (a record that decodes: whose it is, is judged afterwards),
         *               {@code corrupt} (torn twice or not a record), {@code missing} (no slot file),
         *               {@code refused} (not a regular file: never opened) or {@code error} (I/O error)
         */
        void read(String result, Duration took);
    }

    /** Sets the one observer of slot reads (metrics). A read that hangs is reported when it returns. */
    public void observeReads(ReadObserver value) {
        this.readObserver = value;
    }

    private void scanAll() {
        try {
            Consumer<MemberId> stalled = stallListener;
            long now = nanoTime.getAsLong();
            for (Map.Entry<MemberId, Slot> e : slots.entrySet()) {
                Slot slot = e.getValue();
                if (stalled != null && slot.stalled(now, stallNanos)) {
                    stalled.accept(e.getKey());
                }
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
        slot.read(true).copy().completeOnTimeout(null, readTimeoutNanos + 1_000_000, TimeUnit.NANOSECONDS)
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
        urgentReaders.shutdownNow();
        rescuer.shutdownNow();
    }

    ExecutorService readers() {
        return readers;
    }

    /** One slot read, which whichever thread takes it first does (the other skips it). */
    private static final class ReadTask implements Runnable {
        private final Runnable read;
        private final java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.atomic.AtomicBoolean urgent;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        ReadTask(Runnable read, boolean urgent) {
            this.read = read;
            this.urgent = new java.util.concurrent.atomic.AtomicBoolean(urgent);
        }

        /** True once, when a read not yet started should also be queued for the urgent threads. */
        boolean hurry() {
            return !taken.get() && urgent.compareAndSet(false, true);
        }

        @Override
        public void run() {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            try {
                read.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        }
    }

    /** Observation history of one slot. All fields guarded by {@code this}. */
    private final class Slot {
        private final MemberId id;
        private final Path path;
        private SlotIdentity identity = SlotIdentity.NONE;
        private long firstObservedNanos = Long.MIN_VALUE;
        private long lastAdvanceNanos = Long.MIN_VALUE;
        /** When the content last changed to something that is not an advance. */
        private long lastForeignNanos = Long.MIN_VALUE;
        /** Highest counter of the registered incarnation read so far; -1 before any. */
        private long highestSeq = -1;
        /** The member's own latest record: the only source of the reported seq and flags. */
        private StorageRecord last;
        private SlotFile.Read previous;
        private String problem;
        private String refused;
        private boolean ioError;
        private CompletableFuture<Void> inFlight;
        private ReadTask pending;
        private long inFlightSince;
        private boolean rescueAsked;

        Slot(MemberId id, Path path) {
            this.id = id;
            this.path = path;
        }

        /** Starts a read unless one is in flight; the future completes when that read ends. */
        CompletableFuture<Void> read() {
            return read(false);
        }

        /**
         * Like {@link #read()}; an {@code urgent} read runs on the urgent threads, and a read still
         * queued behind the scan is handed to them as well.
         */
        synchronized CompletableFuture<Void> read(boolean urgent) {
            if (inFlight != null && !inFlight.isDone()) {
                if (!rescueAsked && nanoTime.getAsLong() - inFlightSince > readTimeoutNanos) {
                    rescueAsked = true; // once per hung read: a FIFO swapped in may be what holds it
                    rescuer.execute(() -> SlotFile.releaseFifo(path));
                }
                if (urgent && pending != null && pending.hurry()) {
                    try {
                        urgentReaders.execute(pending);
                    } catch (RejectedExecutionException full) {
                        // the queued read still runs on the ordinary readers
                    }
                }
                return inFlight;
            }
            inFlightSince = nanoTime.getAsLong();
            rescueAsked = false;
            ReadTask task = new ReadTask(this::readNow, urgent);
            try {
                (urgent ? urgentReaders : readers).execute(task);
                pending = task;
                inFlight = task.done;
            } catch (RejectedExecutionException e) {
                inFlight = CompletableFuture.completedFuture(null);
                problem = "storage read queue full";
            }
            return inFlight;
        }

        private void readNow() {
            Optional<MemberRegistration> registration = registrations.apply(id);
            long start = nanoTime.getAsLong();
            SlotFile.Read read = SlotFile.read(path, beforeOpen);
            StorageRecord record = null;
            String corrupt = null;
            for (int attempt = 0; read.kind() == SlotFile.Kind.RECORD; attempt++) {
                try {
                    record = StorageRecordCodec.decode(read.bytes());
                    break;
                } catch (CorruptRecordException e) {
                    corrupt = "unreadable record: " + e.getMessage();
                    if (attempt == 1) {
                        break;
                    }
                    read = SlotFile.read(path, beforeOpen); // torn: read once more
                }
            }
            long end = nanoTime.getAsLong();
            report(read.kind(), record != null, Duration.ofNanos(Math.max(0, end - start)));
            observed(registration.orElse(null), read, record, corrupt, end);
        }

        private void report(SlotFile.Kind kind, boolean decoded, Duration took) {
            String result = switch (kind) {
                case RECORD -> decoded ? "ok" : "corrupt";
                case MISSING -> "missing";
                case REFUSED -> "refused";
                case IO_ERROR -> "error";
            };
            try {
                readObserver.read(result, took);
            } catch (RuntimeException e) {
                LOG.debug("storage read observer failed: {}", e.toString()); // never changes a judgement
            }
        }

        private synchronized void observed(MemberRegistration registration, SlotFile.Read read, StorageRecord record,
                                           String corrupt, long now) {
            if (registration != null && !identity.matches(registration)) {
                identity = SlotIdentity.of(registration);
                highestSeq = -1;
                last = null;
            }
            boolean first = firstObservedNanos == Long.MIN_VALUE;
            if (first) {
                firstObservedNanos = now;
            }
            boolean changed = !first && !read.sameAs(previous);
            previous = read;
            ioError = read.kind() == SlotFile.Kind.IO_ERROR;
            refused = read.kind() == SlotFile.Kind.REFUSED ? read.reason() : null;
            String why = read.kind() == SlotFile.Kind.RECORD ? corrupt : read.reason();
            boolean advanced = false;
            // The member's own latest record read again, the slot untouched: nothing new, nothing wrong
            // (a stopped member's slot says "not advanced", not "replayed"); the problem seen before stays.
            boolean reread = record != null && !changed && !first && record.seq() == highestSeq;
            if (record != null && !reread) {
                why = identity.assess(id, read.bytes(), record);
                if (why == null && record.seq() <= highestSeq) {
                    why = "replayed or older record: seq " + record.seq() + ", the member's highest is " + highestSeq;
                }
                if (why == null) {
                    advanced = changed;
                    highestSeq = record.seq();
                    last = record;
                }
            }
            if (advanced) {
                lastAdvanceNanos = now;
            } else if (changed) {
                lastForeignNanos = now;
            }
            if (why != null || advanced) {
                problem = why;
            }
        }

        /** Watched advancing, then not advanced for {@code after}. */
        synchronized boolean stalled(long now, long after) {
            return lastAdvanceNanos != Long.MIN_VALUE && now - lastAdvanceNanos > after;
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
            if (refused != null) {
                return evidence(SignalStatus.Storage.UNKNOWN, now, refused);
            }
            boolean advanced = lastAdvanceNanos != Long.MIN_VALUE;
            if (advanced && now - lastAdvanceNanos < staleAfterNanos) {
                if (freshAfter == Long.MIN_VALUE || lastAdvanceNanos - freshAfter > 0) {
                    return evidence(SignalStatus.Storage.FRESH, now, (identity.signed() ? "counter advancing"
                            : "counter advancing (unsigned: the member registered no storage key)")
                            + (problem == null ? "" : "; also seen: " + problem));
                }
                return null; // moved recently, but not since the heartbeat was lost: wait and see
            }
            if (lastForeignNanos != Long.MIN_VALUE && now - lastForeignNanos < staleAfterNanos) {
                return evidence(SignalStatus.Storage.UNKNOWN, now, "slot changed "
                        + TimeUnit.NANOSECONDS.toMillis(now - lastForeignNanos) + " ms ago without the member's own"
                        + " record advancing (someone else writes it): " + problem);
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
}
