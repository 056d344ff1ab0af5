package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage heartbeat: rewrites this member's slot {@code <root>/<group>/<host>.hb} every
 * interval with a {@link StorageRecord} whose sequence counter advances by one per successful write,
 * starting at 1. Every record is signed (format version 2) with this incarnation's Ed25519 key,
 * whose public half the agent registers as {@link #storageKey()}; the private key never leaves
 * memory.
 *
 * <p>Each write is atomic and durable: the record goes to {@code .<host>.hb.tmp} in the same
 * directory, is forced to the device, then renamed over the slot, so a reader sees either the
 * previous record or the new one, never a mix. The slot directory is shared with other hosts, so
 * the temporary file is treated as hostile ground: whatever is at its name (a crash's leftover, a
 * planted symlink or FIFO) is unlinked, never followed, and the file is created exclusively
 * ({@code CREATE_NEW}, {@code NOFOLLOW_LINKS}) with mode {@code 0644}; if something appears at the
 * name in between, the write fails and is retried on the next tick. The group directory is
 * created when missing.
 *
 * <p>A failed scheduled write is logged (the first failure, then every 30 s, then once when writes
 * succeed again) and retried on the next tick; it never stops the schedule. A write that hangs
 * (a hung NFS mount) holds up the following ones, so the counter stops advancing, which is exactly
 * what the detector should see.
 */
public final class StorageHeartbeatWriter implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(StorageHeartbeatWriter.class);
    private static final long FAILURE_LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.LATENT);
    private final AtomicReference<Set<StorageFlag>> flags = new AtomicReference<>(Set.of());
    private final Object writeLock = new Object();
    private final Path directory;
    private final Path slot;
    private final Path temp;
    private final MemberId id;
    private final UUID incarnation;
    private final KeyPair key;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private volatile long lastSeq;
    private volatile ScheduledFuture<?> task;
    private int failuresInARow;
    private long lastFailureLogNanos;

    /**
     * A writer with a new key pair of its own, made for this incarnation.
     *
     * @param root the storage root
     * @param id this member
     * @param incarnation this agent process's start id, written in every record
     * @param interval time between the end of one write and the start of the next
     * @param scheduler runs the writes; give the writer a thread of its own
     * @param clock wall time written into the record (display only)
     */
    public StorageHeartbeatWriter(Path root, MemberId id, UUID incarnation, Duration interval,
                                  ScheduledExecutorService scheduler, Clock clock) {
        this(root, id, incarnation, StorageKeys.generate(), interval, scheduler, clock);
    }

    /** @param key this incarnation's Ed25519 key pair: the private half signs every record */
    public StorageHeartbeatWriter(Path root, MemberId id, UUID incarnation, KeyPair key, Duration interval,
                                  ScheduledExecutorService scheduler, Clock clock) {
        this.slot = StorageRecordCodec.slot(root, id);
        this.directory = slot.getParent();
        this.temp = directory.resolve("." + id.host() + StorageRecordCodec.SUFFIX + ".tmp");
        this.id = id;
        this.incarnation = incarnation;
        this.key = key;
        this.interval = interval;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Starts the periodic writes; the first one follows one interval from now. */
    public void start() {
        if (!state.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("already started");
        }
        long nanos = interval.toNanos();
        task = scheduler.scheduleWithFixedDelay(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
        log.info("storage heartbeat: writing {} every {}", slot, Durations.format(interval));
    }

    /**
     * Writes one record now, on the calling thread.
     *
     * @throws HostwatchException when the record could not be written (the cause is the I/O error)
     * @throws IllegalStateException after {@link #close()}
     */
    public void writeNow() {
        synchronized (writeLock) {
            if (state.get() == Lifecycle.CLOSED) {
                throw new IllegalStateException("storage heartbeat writer is closed");
            }
            write();
            recovered();
        }
    }

    /**
     * Writes one record as soon as the writer's thread is free, without waiting for it: for callers
     * that must not block on a hung storage mount. A failure is logged like a scheduled write's and
     * retried on the next tick. Does nothing unless the writer is started.
     */
    public void writeSoon() {
        if (state.get() != Lifecycle.STARTED) {
            return;
        }
        try {
            scheduler.execute(this::tick);
        } catch (RejectedExecutionException e) {
            log.debug("storage heartbeat scheduler is shutting down; not writing now");
        }
    }

    /** Sets a flag; it appears in the next record written. */
    public void setFlag(StorageFlag flag) {
        flags.updateAndGet(current -> {
            EnumSet<StorageFlag> next = EnumSet.of(flag);
            next.addAll(current);
            return Set.copyOf(next);
        });
    }

    /** Clears a flag; it disappears from the next record written. */
    public void clearFlag(StorageFlag flag) {
        flags.updateAndGet(current -> {
            EnumSet<StorageFlag> next = current.isEmpty() ? EnumSet.noneOf(StorageFlag.class) : EnumSet.copyOf(current);
            next.remove(flag);
            return Set.copyOf(next);
        });
    }

    /** The flags the next record will carry. */
    public Set<StorageFlag> flags() {
        return flags.get();
    }

    /** Sequence counter of the last record written successfully; 0 before the first. */
    public long lastSeq() {
        return lastSeq;
    }

    /** The public key that verifies this writer's records, in registration form ({@link StorageKeys#encode}). */
    public String storageKey() {
        return StorageKeys.encode(key.getPublic());
    }

    /** The slot file this writer rewrites. */
    public Path slot() {
        return slot;
    }

    /** Stops the periodic writes. The last record written stays on storage as it is. Idempotent. */
    @Override
    public void close() {
        Lifecycle previous = state.getAndSet(Lifecycle.CLOSED);
        if (previous == Lifecycle.CLOSED) {
            return;
        }
        if (task != null) {
            task.cancel(false);
        }
        if (previous == Lifecycle.STARTED) {
            log.info("storage heartbeat stopped at seq {} (flags {})", lastSeq, flags.get());
        }
    }

    private void tick() {
        synchronized (writeLock) {
            if (state.get() != Lifecycle.STARTED) {
                return;
            }
            try {
                write();
                recovered();
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    }

    /** Writes record {@code lastSeq + 1}. Caller holds {@link #writeLock}. */
    private void write() {
        long seq = lastSeq + 1;
        StorageRecord record = new StorageRecord(seq, incarnation, flags.get(), (int) interval.toMillis(),
                clock.millis());
        ByteBuffer bytes = ByteBuffer.wrap(StorageRecordCodec.encodeSigned(record, id, key.getPrivate()));
        try {
            Files.createDirectories(directory);
            // unlink whatever is at the temporary name: a symlink goes, its target is never touched
            Files.deleteIfExists(temp);
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), permissions())) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, slot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new HostwatchException("cannot write storage slot " + slot + ": " + describe(e), e);
        }
        forceDirectory();
        lastSeq = seq;
    }

    /** Mode 0644 where the file system knows POSIX permissions (the umask may narrow it, never widen it). */
    private FileAttribute<?>[] permissions() {
        return directory.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(MODE)} : new FileAttribute<?>[0];
    }

    /** Makes the rename itself durable. Best effort: not every file system lets a directory be forced. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            log.debug("cannot force directory {}: {}", directory, e.toString());
        }
    }

    private void failed(RuntimeException e) {
        failuresInARow++;
        long now = System.nanoTime();
        if (failuresInARow == 1 || now - lastFailureLogNanos >= FAILURE_LOG_EVERY_NANOS) {
            lastFailureLogNanos = now;
            log.warn("storage heartbeat write failed ({} in a row), retrying every {}: {}", failuresInARow,
                    Durations.format(interval), e.getMessage());
        }
    }

    private void recovered() {
        if (failuresInARow > 0) {
            log.info("storage heartbeat recovered after {} failed writes: seq {} written to {}", failuresInARow,
                    lastSeq, slot);
            failuresInARow = 0;
        }
    }

    /** A short reason for an I/O error; the JDK's messages for these are only the path. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException f) {
            String reason = f.getReason();
            if (reason == null) {
                reason = e instanceof AccessDeniedException ? "permission denied"
                        : e instanceof NoSuchFileException ? "no such file or directory"
                        : e instanceof FileAlreadyExistsException ? "already exists (and is not a directory)"
                        : e.getClass().getSimpleName();
            }
            return f.getFile() + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
