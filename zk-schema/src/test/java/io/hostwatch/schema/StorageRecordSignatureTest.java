package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Version 2 storage records: signed by the member's key, bound to its slot, still self-checking. */
@Timeout(30)
class StorageRecordSignatureTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final MemberId HOST1 = MemberId.of("compute", "host1");
    private static final StorageRecord GOLDEN = StorageRecordCodecTest.GOLDEN;
    private static final KeyPair KEY = TestKeys.GOLDEN;
    private static final KeyPair OTHER = TestKeys.fromSeed(101);

    // ---- golden fixture ----------------------------------------------------------------------

    @Test
    void signedEncodingMatchesTheGoldenFixture() {
        assertThat(HEX.formatHex(StorageRecordCodec.encodeSigned(GOLDEN, HOST1, KEY.getPrivate())))
                .isEqualTo(goldenHex());
        assertThat(StorageKeys.encode(KEY.getPublic())).isEqualTo(TestKeys.GOLDEN_PUBLIC);
    }

    @Test
    void goldenFixtureDecodesAndVerifies() {
        byte[] bytes = HEX.parseHex(goldenHex());
        assertThat(bytes).hasSize(StorageRecordCodec.LENGTH_V2);
        assertThat(StorageRecordCodec.decode(bytes)).isEqualTo(GOLDEN);
        assertThat(StorageRecordCodec.version(bytes)).isEqualTo(2);
        assertThat(StorageRecordCodec.verify(bytes, HOST1, StorageKeys.parse(TestKeys.GOLDEN_PUBLIC))).isTrue();
    }

    @Test
    void goldenFixtureFieldsSitAtTheDocumentedOffsets() {
        ByteBuffer buf = ByteBuffer.wrap(HEX.parseHex(goldenHex()));
        assertThat(new String(buf.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("HWSB");
        assertThat(buf.getShort(4)).isEqualTo((short) 2);
        assertThat(buf.getShort(6)).isEqualTo((short) 112);
        assertThat(buf.getLong(8)).isEqualTo(42L);
        assertThat(buf.getInt(32)).isEqualTo(0b1010);
        assertThat(Integer.toUnsignedLong(buf.getInt(108))).isEqualTo(StorageRecordCodecTest.crc32c(buf.array(), 0,
                108));
        byte[] message = StorageRecordCodec.signedMessage(buf.array(), HOST1);
        String prefix = "hostwatch storage record v2\ncompute/host1\n";
        assertThat(new String(message, 0, prefix.length(), StandardCharsets.US_ASCII)).isEqualTo(prefix);
        assertThat(Arrays.copyOfRange(message, prefix.length(), message.length))
                .isEqualTo(Arrays.copyOf(buf.array(), 44));
    }

    @Test
    void unsignedRecordsOfVersion1StillDecodeButNeverVerify() {
        byte[] v1 = HEX.parseHex(TestFiles.fixtureText("storage-record-v1.hex").strip());
        assertThat(StorageRecordCodec.decode(v1)).isEqualTo(GOLDEN);
        assertThat(StorageRecordCodec.version(v1)).isEqualTo(1);
        assertThat(StorageRecordCodec.verify(v1, HOST1, KEY.getPublic())).isFalse();
    }

    // ---- who signed it -----------------------------------------------------------------------

    @Test
    void aRecordSignedByAnotherKeyDoesNotVerify() {
        byte[] forged = StorageRecordCodec.encodeSigned(GOLDEN, HOST1, OTHER.getPrivate());
        assertThat(StorageRecordCodec.decode(forged)).isEqualTo(GOLDEN); // well formed ...
        assertThat(StorageRecordCodec.verify(forged, HOST1, KEY.getPublic())).isFalse(); // ... but not the member's
        assertThat(StorageRecordCodec.verify(forged, HOST1, OTHER.getPublic())).isTrue();
    }

    @Test
    void aGenuineRecordOfAnotherSlotDoesNotVerifyInThisOne() {
        byte[] host2 = StorageRecordCodec.encodeSigned(GOLDEN, MemberId.of("compute", "host2"), KEY.getPrivate());
        assertThat(StorageRecordCodec.verify(host2, HOST1, KEY.getPublic())).isFalse();
        byte[] otherGroup = StorageRecordCodec.encodeSigned(GOLDEN, MemberId.of("storage", "host1"),
                KEY.getPrivate());
        assertThat(StorageRecordCodec.verify(otherGroup, HOST1, KEY.getPublic())).isFalse();
    }

    @Test
    void aFlagAddedWithAFixedChecksumBreaksTheSignature() {
        byte[] forged = tamper(buf -> buf.putInt(32, buf.getInt(32) | StorageFlag.ISOLATED.mask()));
        assertThat(StorageRecordCodec.decode(forged).flags()).contains(StorageFlag.ISOLATED);
        assertThat(StorageRecordCodec.verify(forged, HOST1, KEY.getPublic())).isFalse();
    }

    @Test
    void aCounterMovedWithAFixedChecksumBreaksTheSignature() {
        byte[] forged = tamper(buf -> buf.putLong(8, buf.getLong(8) + 1000));
        assertThat(StorageRecordCodec.verify(forged, HOST1, KEY.getPublic())).isFalse();
    }

    @Test
    void aSignatureTransplantedFromAnotherRecordDoesNotVerify() {
        byte[] older = StorageRecordCodec.encodeSigned(new StorageRecord(41, GOLDEN.incarnation(), Set.of(), 1000,
                GOLDEN.wallTimeMillis()), HOST1, KEY.getPrivate());
        byte[] spliced = tamper(buf -> buf.put(44, older, 44, 64));
        assertThat(StorageRecordCodec.verify(spliced, HOST1, KEY.getPublic())).isFalse();
    }

    @Test
    void everySingleFlippedBitFailsEitherTheChecksumOrTheSignature() {
        byte[] good = StorageRecordCodec.encodeSigned(GOLDEN, HOST1, KEY.getPrivate());
        for (int bit = 0; bit < good.length * 8; bit++) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int position = bit;
            assertThatThrownBy(() -> StorageRecordCodec.decode(bad)).as("bit %d", position)
                    .isInstanceOf(CorruptRecordException.class);
            assertThat(StorageRecordCodec.verify(bad, HOST1, KEY.getPublic())).as("bit %d", position).isFalse();
            // and with the checksum repaired, the signature still catches a change to signed bytes
            if (bit < 108 * 8) {
                ByteBuffer buf = ByteBuffer.wrap(bad);
                buf.putInt(108, (int) StorageRecordCodecTest.crc32c(bad, 0, 108));
                assertThat(StorageRecordCodec.verify(bad, HOST1, KEY.getPublic()))
                        .as("bit %d with a repaired checksum", position).isFalse();
            }
        }
    }

    @Test
    void aTornSignedRecordIsRejectedAtEverySplitPoint() {
        byte[] a = StorageRecordCodec.encodeSigned(GOLDEN, HOST1, KEY.getPrivate());
        byte[] b = StorageRecordCodec.encodeSigned(new StorageRecord(43, GOLDEN.incarnation(), GOLDEN.flags(), 1000,
                GOLDEN.wallTimeMillis() + 1000), HOST1, KEY.getPrivate());
        for (int split = 1; split < a.length; split++) {
            for (byte[][] order : new byte[][][] {{a, b}, {b, a}}) {
                byte[] torn = order[1].clone();
                System.arraycopy(order[0], 0, torn, 0, split);
                if (Arrays.equals(torn, order[0]) || Arrays.equals(torn, order[1])) {
                    continue;
                }
                int at = split;
                assertThatThrownBy(() -> StorageRecordCodec.decode(torn)).as("torn at %d", at)
                        .isInstanceOf(CorruptRecordException.class);
                assertThat(StorageRecordCodec.verify(torn, HOST1, KEY.getPublic())).isFalse();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 47, 48, 49, 111, 113, 224})
    void verifyRejectsEveryOtherLengthWithoutThrowing(int length) {
        byte[] bytes = Arrays.copyOf(StorageRecordCodec.encodeSigned(GOLDEN, HOST1, KEY.getPrivate()), length);
        assertThat(StorageRecordCodec.verify(bytes, HOST1, KEY.getPublic())).isFalse();
        assertThat(StorageRecordCodec.verify(null, HOST1, KEY.getPublic())).isFalse();
    }

    @Test
    void aVersion2HeaderOnA48ByteRecordIsCorrupt() {
        ByteBuffer buf = ByteBuffer.wrap(StorageRecordCodec.encode(GOLDEN));
        buf.putShort(4, (short) 2);
        buf.putInt(44, (int) StorageRecordCodecTest.crc32c(buf.array(), 0, 44));
        assertThatThrownBy(() -> StorageRecordCodec.decode(buf.array())).isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("length");
    }

    @Test
    void signedRecordsRoundTripWithFreshKeys() {
        KeyPair fresh = StorageKeys.generate();
        StorageRecord record = new StorageRecord(Long.MAX_VALUE, UUID.randomUUID(),
                EnumSet.allOf(StorageFlag.class), 250, 0);
        byte[] bytes = StorageRecordCodec.encodeSigned(record, HOST1, fresh.getPrivate());
        PublicKey published = StorageKeys.parse(StorageKeys.encode(fresh.getPublic()));
        assertThat(StorageRecordCodec.decode(bytes)).isEqualTo(record);
        assertThat(StorageRecordCodec.verify(bytes, HOST1, published)).isTrue();
    }

    // ---- keys ----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "AAAA", "MCowBQYDK2VwAyEAebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60Elm==",
        "MCowBQYDK2VuAyEAebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="})
    void parseRejectsWhatIsNotAnEd25519PublicKey(String text) {
        assertThatThrownBy(() -> StorageKeys.parse(text)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void parseRejectsMissingOversizedAndOtherAlgorithms() throws Exception {
        assertThatThrownBy(() -> StorageKeys.parse(null)).isInstanceOf(CorruptRecordException.class);
        assertThatThrownBy(() -> StorageKeys.parse("A".repeat(10_000))).isInstanceOf(CorruptRecordException.class);
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        String ecKey = Base64.getEncoder().encodeToString(ec.generateKeyPair().getPublic().getEncoded());
        assertThatThrownBy(() -> StorageKeys.parse(ecKey)).isInstanceOf(CorruptRecordException.class);
        PublicKey ecPublic = ec.generateKeyPair().getPublic();
        assertThatThrownBy(() -> StorageKeys.encode(ecPublic)).isInstanceOf(HostwatchException.class);
    }

    // ---- helpers -----------------------------------------------------------------------------

    static String goldenHex() {
        return TestFiles.fixtureText("storage-record-v2.hex").strip();
    }

    /** The golden signed record changed by {@code change}, with its CRC-32C recomputed. */
    private static byte[] tamper(Consumer<ByteBuffer> change) {
        ByteBuffer buf = ByteBuffer.wrap(StorageRecordCodec.encodeSigned(GOLDEN, HOST1, KEY.getPrivate()));
        change.accept(buf);
        buf.putInt(108, (int) StorageRecordCodecTest.crc32c(buf.array(), 0, 108));
        return buf.array();
    }
}
