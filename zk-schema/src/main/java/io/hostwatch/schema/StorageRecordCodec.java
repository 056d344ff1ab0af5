package io.hostwatch.schema;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The storage slot format: a fixed-size, big-endian, self-checking record. Version 2 is signed
 * by the member's own Ed25519 key; version 1 (unsigned) is still read.
 *
 * <pre>
 * offset size field
 *  0     4    magic "HWSB"
 *  4     2    format version (1 or 2)
 *  6     2    record length (48 in version 1, 112 in version 2)
 *  8     8    sequence counter
 * 16     16   incarnation UUID (most, least significant bits)
 * 32     4    flags (bit 0 STOPPING, 1 SERVICE_DOWN, 2 ISOLATED, 3 FENCED)
 * 36     4    write interval, milliseconds
 * 40     4    member wall time, seconds since the epoch (display only)
 * version 1:
 * 44     4    CRC-32C of bytes 0..43
 * version 2:
 * 44     64   Ed25519 signature of the signed message (bytes 0..43 bound to group and host)
 * 108    4    CRC-32C of bytes 0..107
 * </pre>
 *
 * A record of the wrong length, with the wrong magic or version, unknown flag bits or a
 * checksum mismatch (a torn or corrupt write) is rejected with {@link CorruptRecordException},
 * never misread. {@link #decode} checks the structure only; whether a version 2 record was signed
 * by a given member's key is {@link #verify}'s question, and a version 1 record is never verified.
 */
public final class StorageRecordCodec {
    /** Length of a version 1 record. */
    public static final int LENGTH = 48;
    /** Length of a version 2 (signed) record. */
    public static final int LENGTH_V2 = 112;
    /** The version {@link #encode(StorageRecord)} writes (unsigned). */
    public static final short VERSION = 1;
    /** The version {@link #encodeSigned} writes. */
    public static final short VERSION_SIGNED = 2;
    /** The longest record of any version: a reader never needs more. */
    public static final int MAX_LENGTH = LENGTH_V2;
    /** File name suffix of a slot: {@code <root>/<group>/<host>.hb}. */
    public static final String SUFFIX = ".hb";

    private static final int MAGIC = 0x48575342; // "HWSB"
    private static final int FIELDS = 44;
    private static final byte[] DOMAIN = "hostwatch storage record v2\n".getBytes(StandardCharsets.US_ASCII);
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
     * Encodes an unsigned version 1 record. Refuses a negative counter or a non-positive interval,
     * which {@link #decode} would reject as corrupt: the writer hears of it, not the detector.
     */
    public static byte[] encode(StorageRecord record) {
        ByteBuffer buf = fields(record, VERSION, LENGTH);
        crc(buf, LENGTH);
        return buf.array();
    }

    /**
     * Encodes a version 2 record signed with {@code key} for member {@code id}: only the holder of
     * that key can produce it, and it verifies only in {@code id}'s slot.
     */
    public static byte[] encodeSigned(StorageRecord record, MemberId id, PrivateKey key) {
        ByteBuffer buf = fields(record, VERSION_SIGNED, LENGTH_V2);
        try {
            Signature signer = Signature.getInstance(StorageKeys.ALGORITHM);
            signer.initSign(key);
            signer.update(signedMessage(buf.array(), id));
            byte[] signature = signer.sign();
            if (signature.length != StorageKeys.SIGNATURE_LENGTH) {
                throw new HostwatchException("unexpected signature length " + signature.length);
            }
            buf.put(FIELDS, signature);
        } catch (GeneralSecurityException e) {
            throw new HostwatchException("cannot sign the storage record: " + e.getMessage(), e);
        }
        crc(buf, LENGTH_V2);
        return buf.array();
    }

    /** Decodes a version 1 or 2 record, checking its structure and checksum but not its signature. */
    public static StorageRecord decode(byte[] bytes) {
        if (bytes == null || (bytes.length != LENGTH && bytes.length != LENGTH_V2)) {
            throw new CorruptRecordException("storage record is " + (bytes == null ? "missing" : bytes.length
                    + " bytes") + ", expected " + LENGTH + " or " + LENGTH_V2 + " (torn or foreign file)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int) crc.getValue() != buf.getInt(bytes.length - 4)) {
            throw new CorruptRecordException("storage record checksum mismatch (torn or corrupt write)");
        }
        if (buf.getInt() != MAGIC) {
            throw new CorruptRecordException("storage record has a foreign magic number");
        }
        short version = buf.getShort();
        if (version != VERSION && version != VERSION_SIGNED) {
            throw new CorruptRecordException("storage record format version " + version + " is not supported");
        }
        short length = buf.getShort();
        if (length != lengthOf(version) || length != bytes.length) {
            throw new CorruptRecordException("storage record declares length " + length + " for version "
                    + version + " in " + bytes.length + " bytes");
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

    /** The format version of bytes that {@link #decode} accepted. */
    public static int version(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getShort(4);
    }

    /**
     * True when {@code bytes} is a version 2 record, intact, signed by the private half of
     * {@code key} for member {@code id}. False for a version 1 record, any other member's record,
     * any other key's signature, or anything {@link #decode} rejects. Never throws for bad input.
     */
    public static boolean verify(byte[] bytes, MemberId id, PublicKey key) {
        try {
            decode(bytes);
        } catch (CorruptRecordException e) {
            return false;
        }
        if (version(bytes) != VERSION_SIGNED) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(StorageKeys.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(signedMessage(bytes, id));
            byte[] signature = new byte[StorageKeys.SIGNATURE_LENGTH];
            System.arraycopy(bytes, FIELDS, signature, 0, signature.length);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /**
     * What a version 2 signature covers: the ASCII line {@code hostwatch storage record v2}, then
     * {@code <group>/<host>} and a newline, then bytes 0..43 of the record. Binding the member's
     * names keeps a record of one slot from verifying in another.
     */
    static byte[] signedMessage(byte[] record, MemberId id) {
        byte[] names = (id.group() + "/" + id.host() + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer message = ByteBuffer.allocate(DOMAIN.length + names.length + FIELDS);
        message.put(DOMAIN).put(names).put(record, 0, FIELDS);
        return message.array();
    }

    private static int lengthOf(short version) {
        return version == VERSION_SIGNED ? LENGTH_V2 : LENGTH;
    }

    private static ByteBuffer fields(StorageRecord record, short version, int length) {
        if (record.seq() < 0 || record.intervalMillis() <= 0) {
            throw new HostwatchException("storage record needs a non-negative counter and a positive interval,"
                    + " got seq " + record.seq() + " and interval " + record.intervalMillis() + " ms");
        }
        ByteBuffer buf = ByteBuffer.allocate(length);
        buf.putInt(MAGIC);
        buf.putShort(version);
        buf.putShort((short) length);
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
        return buf;
    }

    private static void crc(ByteBuffer buf, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, length - 4);
        buf.putInt(length - 4, (int) crc.getValue());
    }
}
