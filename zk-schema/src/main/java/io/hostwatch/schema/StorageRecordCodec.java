package io.hostwatch.schema;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The storage slot format: a fixed 48-byte, big-endian, self-checking record.
 *
 * <pre>
 * offset size field
 *  0     4    magic "HWSB"
 *  4     2    format version (1)
 *  6     2    record length (48)
 *  8     8    sequence counter
 * 16     16   incarnation UUID (most, least significant bits)
 * 32     4    flags (bit 0 STOPPING, 1 SERVICE_DOWN, 2 ISOLATED, 3 FENCED)
 * 36     4    write interval, milliseconds
 * 40     4    member wall time, seconds since the epoch (display only)
 * 44     4    CRC-32C of bytes 0..43
 * </pre>
 *
 * A record of the wrong length, with the wrong magic or version, unknown flag bits or a
 * checksum mismatch (a torn or corrupt write) is rejected with {@link CorruptRecordException},
 * never misread.
 */
public final class StorageRecordCodec {
    public static final int LENGTH = 48;
    public static final short VERSION = 1;
    /** File name suffix of a slot: {@code <root>/<group>/<host>.hb}. */
    public static final String SUFFIX = ".hb";

    private static final int MAGIC = 0x48575342; // "HWSB"
    private static final int KNOWN_FLAGS;

    static {
        int all = 0;
        for (StorageFlag f : StorageFlag.values()) {
            all |= f.mask();
        }
        KNOWN_FLAGS = all;
    }

    private StorageRecordCodec() {
    }

    /** The slot file of a member under a storage root. */
    public static Path slot(Path root, MemberId id) {
        return root.resolve(id.group()).resolve(id.host() + SUFFIX);
    }

    /**
     * Encodes a record. Refuses a negative counter or a non-positive interval, which
     * {@link #decode} would reject as corrupt: the writer hears of it, not the detector.
     */
    public static byte[] encode(StorageRecord record) {
        if (record.seq() < 0 || record.intervalMillis() <= 0) {
            throw new HostwatchException("storage record needs a non-negative counter and a positive interval,"
                    + " got seq " + record.seq() + " and interval " + record.intervalMillis() + " ms");
        }
        ByteBuffer buf = ByteBuffer.allocate(LENGTH);
        buf.putInt(MAGIC);
        buf.putShort(VERSION);
        buf.putShort((short) LENGTH);
        buf.putLong(record.seq());
        buf.putLong(record.incarnation().getMostSignificantBits());
        buf.putLong(record.incarnation().getLeastSignificantBits());
        int flags = 0;
        for (StorageFlag f : record.flags()) {
            flags |= f.mask();
        }
        buf.putInt(flags);
        buf.putInt(record.intervalMillis());
        buf.putInt((int) Math.floorDiv(record.wallTimeMillis(), 1000L));
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, LENGTH - 4);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    public static StorageRecord decode(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new CorruptRecordException("storage record is " + (bytes == null ? "missing" : bytes.length
                    + " bytes") + ", expected " + LENGTH + " (torn or foreign file)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, LENGTH - 4);
        int expected = buf.getInt(LENGTH - 4);
        if ((int) crc.getValue() != expected) {
            throw new CorruptRecordException("storage record checksum mismatch (torn or corrupt write)");
        }
        if (buf.getInt() != MAGIC) {
            throw new CorruptRecordException("storage record has a foreign magic number");
        }
        short version = buf.getShort();
        if (version != VERSION) {
            throw new CorruptRecordException("storage record format version " + version + " is not supported");
        }
        short length = buf.getShort();
        if (length != LENGTH) {
            throw new CorruptRecordException("storage record declares length " + length);
        }
        long seq = buf.getLong();
        UUID incarnation = new UUID(buf.getLong(), buf.getLong());
        int flagBits = buf.getInt();
        if ((flagBits & ~KNOWN_FLAGS) != 0) {
            throw new CorruptRecordException("storage record has unknown flag bits 0x" + Integer.toHexString(flagBits));
        }
        Set<StorageFlag> flags = EnumSet.noneOf(StorageFlag.class);
        for (StorageFlag f : StorageFlag.values()) {
            if ((flagBits & f.mask()) != 0) {
                flags.add(f);
            }
        }
        int interval = buf.getInt();
        long wallSeconds = Integer.toUnsignedLong(buf.getInt());
        if (seq < 0 || interval <= 0) {
            throw new CorruptRecordException("storage record has a negative counter or interval");
        }
        return new StorageRecord(seq, incarnation, flags, interval, wallSeconds * 1000L);
    }
}
