package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class StorageRecordCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static final UUID INCARNATION = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    private static final long WALL = Instant.parse("2026-11-24T12:00:00Z").toEpochMilli();

    /** The record of {@code fixtures/storage-record-v1.hex}. */
    static final StorageRecord GOLDEN = new StorageRecord(42, INCARNATION,
            EnumSet.of(StorageFlag.SERVICE_DOWN, StorageFlag.FENCED), 1000, WALL);

    static Stream<Set<StorageFlag>> flagCombinations() {
        StorageFlag[] all = StorageFlag.values();
        return IntStream.range(0, 1 << all.length).mapToObj(bits -> {
            Set<StorageFlag> flags = EnumSet.noneOf(StorageFlag.class);
            for (int i = 0; i < all.length; i++) {
                if ((bits & (1 << i)) != 0) {
                    flags.add(all[i]);
                }
            }
            return flags;
        });
    }

    static Stream<StorageRecord> samples() {
        return Stream.of(
                GOLDEN,
                new StorageRecord(0, INCARNATION, Set.of(), 1, 0),
                new StorageRecord(Long.MAX_VALUE, new UUID(-1L, -1L), EnumSet.allOf(StorageFlag.class),
                        Integer.MAX_VALUE, 0xFFFF_FFFFL * 1000L),
                new StorageRecord(7, new UUID(0L, 0L), Set.of(StorageFlag.STOPPING), 250,
                        Instant.parse("2100-01-01T00:00:00Z").toEpochMilli()));
    }

    // ---- round trips -------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("flagCombinations")
    void roundTripsEveryFlagCombination(Set<StorageFlag> flags) {
        StorageRecord record = new StorageRecord(42, INCARNATION, flags, 1000, WALL);
        byte[] bytes = StorageRecordCodec.encode(record);
        assertThat(bytes).hasSize(StorageRecordCodec.LENGTH);

        StorageRecord decoded = StorageRecordCodec.decode(bytes);
        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.flags()).containsExactlyInAnyOrderElementsOf(flags);
        for (StorageFlag flag : StorageFlag.values()) {
            assertThat(decoded.has(flag)).as(flag.name()).isEqualTo(flags.contains(flag));
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsBoundaryValues(StorageRecord record) {
        assertThat(StorageRecordCodec.decode(StorageRecordCodec.encode(record))).isEqualTo(record);
    }

    @Test
    void wallTimeIsKeptToTheSecond() {
        StorageRecord record = new StorageRecord(1, INCARNATION, Set.of(), 1000, WALL + 999);
        assertThat(StorageRecordCodec.decode(StorageRecordCodec.encode(record)).wallTimeMillis()).isEqualTo(WALL);
    }

    @Test
    void flagBitPositionsArePartOfTheFormat() {
        assertThat(StorageFlag.STOPPING.mask()).isEqualTo(1);
        assertThat(StorageFlag.SERVICE_DOWN.mask()).isEqualTo(2);
        assertThat(StorageFlag.ISOLATED.mask()).isEqualTo(4);
        assertThat(StorageFlag.FENCED.mask()).isEqualTo(8);
    }

    @Test
    void encodeRefusesWhatDecodeWouldReject() {
        assertThatThrownBy(() -> StorageRecordCodec.encode(new StorageRecord(-1, INCARNATION, Set.of(), 1000, WALL)))
                .isInstanceOf(HostwatchException.class).isNotInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> StorageRecordCodec.encode(new StorageRecord(1, INCARNATION, Set.of(), 0, WALL)))
                .isInstanceOf(HostwatchException.class).isNotInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> StorageRecordCodec.encode(new StorageRecord(1, INCARNATION, Set.of(), -5, WALL)))
                .isInstanceOf(HostwatchException.class).isNotInstanceOf(CorruptRecordException.class);
    }

    @Test
    void slotIsGroupDirectoryAndHostFile() {
        Path root = Path.of("/srv/hostwatch");
        assertThat(StorageRecordCodec.slot(root, MemberId.of("compute", "host1")))
                .isEqualTo(Path.of("/srv/hostwatch/compute/host1.hb"));
        assertThat(StorageRecordCodec.SUFFIX).isEqualTo(".hb");
    }

    // ---- golden fixture ----------------------------------------------------------------------

    @Test
    void encodeMatchesTheGoldenFixture() {
        assertThat(HEX.formatHex(StorageRecordCodec.encode(GOLDEN))).isEqualTo(goldenHex());
    }

    @Test
    void decodeOfTheGoldenFixtureIsTheRecord() {
        StorageRecord decoded = StorageRecordCodec.decode(HEX.parseHex(goldenHex()));
        assertThat(decoded).isEqualTo(GOLDEN);
        assertThat(decoded.seq()).isEqualTo(42);
        assertThat(decoded.incarnation()).isEqualTo(INCARNATION);
        assertThat(decoded.flags()).containsExactlyInAnyOrder(StorageFlag.SERVICE_DOWN, StorageFlag.FENCED);
        assertThat(decoded.intervalMillis()).isEqualTo(1000);
        assertThat(Instant.ofEpochMilli(decoded.wallTimeMillis())).isEqualTo(Instant.parse("2026-11-24T12:00:00Z"));
    }

    @Test
    void goldenFixtureFieldsSitAtTheDocumentedOffsets() {
        ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex(goldenHex()));
        assertThat(new String(buf.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("HWSB");
        assertThat(buf.getShort(4)).isEqualTo((short) 1);
        assertThat(buf.getShort(6)).isEqualTo((short) 48);
        assertThat(buf.getLong(8)).isEqualTo(42L);
        assertThat(new UUID(buf.getLong(16), buf.getLong(24))).isEqualTo(INCARNATION);
        assertThat(buf.getInt(32)).isEqualTo(0b1010);
        assertThat(buf.getInt(36)).isEqualTo(1000);
        assertThat(Integer.toUnsignedLong(buf.getInt(40))).isEqualTo(WALL / 1000);
        assertThat(Integer.toUnsignedLong(buf.getInt(44))).isEqualTo(crc32c(buf.array(), 0, 44));
    }

    @Test
    void independentCrc32cMatchesTheStandardCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(crc32c(check, 0, check.length)).isEqualTo(0xE3069283L);
    }

    // ---- rejection: length -------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 47, 49, 96, 4096})
    void rejectsTheWrongLength(int length) {
        byte[] bytes = Arrays.copyOf(StorageRecordCodec.encode(GOLDEN), length);
        assertCorrupt(bytes);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> StorageRecordCodec.decode(null)).isInstanceOf(CorruptRecordException.class);
    }

    @ParameterizedTest
    @MethodSource("prefixLengths")
    void rejectsARecordTruncatedAtEveryLength(int length) {
        assertCorrupt(Arrays.copyOf(StorageRecordCodec.encode(GOLDEN), length));
    }

    static IntStream prefixLengths() {
        return IntStream.range(0, StorageRecordCodec.LENGTH);
    }

    @Test
    void rejectsAValidRecordWithTrailingBytes() {
        byte[] bytes = StorageRecordCodec.encode(GOLDEN);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertCorrupt(longer);
        byte[] doubled = new byte[2 * bytes.length];
        System.arraycopy(bytes, 0, doubled, 0, bytes.length);
        System.arraycopy(bytes, 0, doubled, bytes.length, bytes.length);
        assertCorrupt(doubled);
    }

    // ---- rejection: checksum -----------------------------------------------------------------

    @Test
    void rejectsEverySingleFlippedBit() {
        List<StorageRecord> records = samples().toList();
        for (StorageRecord record : records) {
            byte[] good = StorageRecordCodec.encode(record);
            for (int bit = 0; bit < StorageRecordCodec.LENGTH * 8; bit++) {
                byte[] bad = good.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                int position = bit;
                assertThatThrownBy(() -> StorageRecordCodec.decode(bad))
                        .as("record %s with bit %d (byte %d) flipped", record, position, position / 8)
                        .isInstanceOf(CorruptRecordException.class);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0xFF})
    void rejectsAFileOfOneRepeatedByte(int value) {
        byte[] bytes = new byte[StorageRecordCodec.LENGTH];
        Arrays.fill(bytes, (byte) value);
        assertCorrupt(bytes);
    }

    @Test
    void rejectsATornWrite() {
        StorageRecord a = GOLDEN;
        StorageRecord b = new StorageRecord(43, INCARNATION, GOLDEN.flags(), 1000, WALL + 1000);
        byte[] torn = splice(StorageRecordCodec.encode(a), StorageRecordCodec.encode(b), StorageRecordCodec.LENGTH / 2);
        assertThatThrownBy(() -> StorageRecordCodec.decode(torn))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void rejectsATornWriteAtEverySplitPoint() {
        List<StorageRecord[]> pairs = new ArrayList<>();
        pairs.add(new StorageRecord[] {GOLDEN, new StorageRecord(43, INCARNATION, GOLDEN.flags(), 1000, WALL + 1000)});
        pairs.add(new StorageRecord[] {GOLDEN, new StorageRecord(0, UUID.fromString(
                "9b2f1c3e-0d4a-4b7e-8f61-5a3c2d1e0f9a"), Set.of(), 2000, WALL + 60_000)});
        pairs.add(new StorageRecord[] {GOLDEN, new StorageRecord(42, INCARNATION,
                EnumSet.of(StorageFlag.ISOLATED, StorageFlag.FENCED), 1000, WALL)});
        for (StorageRecord[] pair : pairs) {
            byte[] a = StorageRecordCodec.encode(pair[0]);
            byte[] b = StorageRecordCodec.encode(pair[1]);
            for (int split = 1; split < StorageRecordCodec.LENGTH; split++) {
                for (byte[][] order : new byte[][][] {{a, b}, {b, a}}) {
                    byte[] torn = splice(order[0], order[1], split);
                    if (Arrays.equals(torn, order[0]) || Arrays.equals(torn, order[1])) {
                        continue; // the halves agree: this is a whole record, not a torn one
                    }
                    int at = split;
                    assertThatThrownBy(() -> StorageRecordCodec.decode(torn))
                            .as("torn at byte %d", at)
                            .isInstanceOf(CorruptRecordException.class);
                }
            }
        }
    }

    // ---- rejection: structure with a valid checksum ------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"HWSA", "hwsb", "BSWH", "\0\0\0\0"})
    void rejectsAForeignMagicEvenWithAValidChecksum(String magic) {
        byte[] bytes = tamper(buf -> buf.put(0, magic.getBytes(StandardCharsets.US_ASCII)));
        assertThatThrownBy(() -> StorageRecordCodec.decode(bytes))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("magic");
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 2, 3, 0x0100, -1})
    void rejectsAnotherVersionEvenWithAValidChecksum(short version) {
        byte[] bytes = tamper(buf -> buf.putShort(4, version));
        assertThatThrownBy(() -> StorageRecordCodec.decode(bytes))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("version");
    }

    @ParameterizedTest
    @ValueSource(shorts = {0, 44, 47, 49, 64, -1})
    void rejectsADeclaredLengthOtherThan48EvenWithAValidChecksum(short length) {
        byte[] bytes = tamper(buf -> buf.putShort(6, length));
        assertThatThrownBy(() -> StorageRecordCodec.decode(bytes))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("length");
    }

    @ParameterizedTest
    @MethodSource("unknownFlagBits")
    void rejectsUnknownFlagBitsEvenWithAValidChecksum(int bit) {
        byte[] bytes = tamper(buf -> buf.putInt(32, buf.getInt(32) | (1 << bit)));
        assertThatThrownBy(() -> StorageRecordCodec.decode(bytes))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("flag");
    }

    static IntStream unknownFlagBits() {
        return IntStream.range(StorageFlag.values().length, 32);
    }

    @Test
    void rejectsANegativeCounterEvenWithAValidChecksum() {
        byte[] bytes = tamper(buf -> buf.putLong(8, -1L));
        assertCorrupt(bytes);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void rejectsANonPositiveIntervalEvenWithAValidChecksum(int interval) {
        byte[] bytes = tamper(buf -> buf.putInt(36, interval));
        assertCorrupt(bytes);
    }

    @Test
    void tamperWithoutAChangeStillDecodes() {
        // guards the helper: recomputing the checksum of an untouched record changes nothing
        assertThat(StorageRecordCodec.decode(tamper(buf -> { }))).isEqualTo(GOLDEN);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static String goldenHex() {
        return TestFiles.fixtureText("storage-record-v1.hex").strip();
    }

    private static void assertCorrupt(byte[] bytes) {
        assertThatThrownBy(() -> StorageRecordCodec.decode(bytes)).isInstanceOf(CorruptRecordException.class);
    }

    /** The golden record changed by {@code change}, with its CRC-32C recomputed so only the change is wrong. */
    private static byte[] tamper(Consumer<ByteBuffer> change) {
        ByteBuffer buf = ByteBuffer.wrap(StorageRecordCodec.encode(GOLDEN));
        change.accept(buf);
        buf.putInt(44, (int) crc32c(buf.array(), 0, 44));
        return buf.array();
    }

    private static byte[] splice(byte[] head, byte[] tail, int at) {
        byte[] out = tail.clone();
        System.arraycopy(head, 0, out, 0, at);
        return out;
    }

    /** A bitwise CRC-32C (Castagnoli, reflected 0x82F63B78), independent of {@link java.util.zip.CRC32C}. */
    static long crc32c(byte[] bytes, int offset, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc ^= bytes[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return Integer.toUnsignedLong(~crc);
    }
}
