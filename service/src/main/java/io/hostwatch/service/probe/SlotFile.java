package io.hostwatch.service.probe;

import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads one slot file from a directory that every member can write, so it assumes the worst of
 * what it finds there: only a regular file is ever opened, never through a symbolic link, and the
 * open channel itself is checked before anything is read from it.
 *
 * <ol>
 *   <li>{@code Files.readAttributes(path, NOFOLLOW_LINKS)}: a symlink, FIFO, socket, device or
 *       directory is {@link Kind#REFUSED} with the reason and is not opened;</li>
 *   <li>open with {@code NOFOLLOW_LINKS} ({@code O_NOFOLLOW}): a symlink swapped in after the check
 *       fails the open;</li>
 *   <li>read with positional reads ({@code pread}) only, at most {@link StorageRecordCodec#MAX_LENGTH}
 *       + 1 bytes: a FIFO or socket swapped in refuses them ({@code ESPIPE}) and is never read from.</li>
 * </ol>
 *
 * A FIFO swapped in between the check and the open can still block the open itself until some
 * writer opens it; {@link #releaseFifo} is what unblocks it.
 */
final class SlotFile {
    enum Kind { RECORD, MISSING, REFUSED, IO_ERROR }

    /**
     * What one read found. {@code bytes} is the content for {@link Kind#RECORD} (not yet decoded:
     * it may be torn or forged); {@code stamp} the file's identity when it was checked (inode,
     * modification and change time), compared only with the slot's own earlier stamps.
     */
    record Read(Kind kind, byte[] bytes, String reason, Stamp stamp) {
        Read(Kind kind, byte[] bytes, String reason) {
            this(kind, bytes, reason, null);
        }

        /**
         * Same kind, content and file identity as {@code other}: nobody wrote the slot between the two
         * reads. Putting back identical bytes (a new file, or an old one renamed back) is a change.
         */
        boolean sameAs(Read other) {
            return other != null && kind == other.kind && Arrays.equals(bytes, other.bytes)
                    && java.util.Objects.equals(stamp, other.stamp)
                    && (kind != Kind.REFUSED || reason.equals(other.reason));
        }
    }

    /**
     * A file's identity when it was checked: inode ({@code fileKey}), modification time and change
     * time (which no one can set back). Compared for equality only; kept as values, not formatted.
     */
    record Stamp(Object fileKey, FileTime modified, Object changed) {
    }

    private static final Set<java.nio.file.OpenOption> OPEN = Set.of(StandardOpenOption.READ,
            LinkOption.NOFOLLOW_LINKS);

    private SlotFile() {
    }

    static Read read(Path path, Consumer<Path> beforeOpen) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Read(Kind.MISSING, null, "no slot file " + path);
        } catch (IOException e) {
            return new Read(Kind.IO_ERROR, null, "cannot read " + path + ": " + e.getMessage());
        }
        if (!attributes.isRegularFile()) {
            return new Read(Kind.REFUSED, null, "slot " + path + " is " + describe(attributes)
                    + ", not a regular file: not opened");
        }
        Stamp stamp = stamp(path, attributes);
        beforeOpen.accept(path);
        try (FileChannel channel = FileChannel.open(path, OPEN)) {
            ByteBuffer buf = ByteBuffer.allocate(StorageRecordCodec.MAX_LENGTH + 1);
            try {
                while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
                    // positional reads until the end of the file or one byte more than any record
                }
            } catch (IOException e) {
                return new Read(Kind.REFUSED, null, "slot " + path + " was swapped for a FIFO, socket or device"
                        + " while it was opened (" + e.getMessage() + "): not read");
            }
            return new Read(Kind.RECORD, Arrays.copyOf(buf.array(), buf.position()), null, stamp);
        } catch (NoSuchFileException e) {
            return new Read(Kind.MISSING, null, "no slot file " + path);
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("symbolic link")) {
                return new Read(Kind.REFUSED, null, "slot " + path + " was swapped for a symbolic link while it was"
                        + " opened: not followed");
            }
            return new Read(Kind.IO_ERROR, null, "cannot read " + path + ": " + message);
        }
    }

    /**
     * If {@code path} is now a FIFO, opens it read-write once and closes it again: on Linux that
     * open never blocks, and it is the writer a reader blocked in opening the FIFO waits for, so
     * the reader gets its end of file. Anything else at the path is left alone. Best effort.
     *
     * @return true when a FIFO was found and opened
     */
    static boolean releaseFifo(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isOther()) {
                return false;
            }
            try (FileChannel ignored = FileChannel.open(path, Set.of(StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Inode, modification time and (where the file system tells) change time of the checked file. */
    private static Stamp stamp(Path path, BasicFileAttributes attributes) {
        Object ctime;
        try {
            ctime = Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            ctime = "-";
        }
        return new Stamp(attributes.fileKey(), attributes.lastModifiedTime(), ctime);
    }

    private static String describe(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isDirectory()) {
            return "a directory";
        }
        return "a FIFO, socket or device";
    }
}
