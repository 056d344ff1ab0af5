package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Golden JSON fixtures: the records' wire format may only ever gain fields. */
@Timeout(10)
class JsonFixturesTest {
    private static final String INCARNATION = "123e4567-e89b-12d3-a456-426614174000";

    static final MemberRegistration REGISTRATION = new MemberRegistration("compute", "host1", "192.0.2.11",
            INCARNATION, Instant.parse("2026-11-24T11:58:30Z"), false, 1000, "0.1.0");

    /** A registration of an agent that signs its storage records, with a self-fence deadline. */
    static final MemberRegistration REGISTRATION_V2 = new MemberRegistration("compute", "host1", "192.0.2.11",
            INCARNATION, Instant.parse("2026-11-24T11:58:30Z"), false, 1000, "0.2.0", 30_000L,
            TestKeys.GOLDEN_PUBLIC);

    static final EpochRecord EPOCH = new EpochRecord(7, "detector-a", Instant.parse("2026-11-24T11:00:00Z"));

    static final Verdict VERDICT = new Verdict("compute", "host1", "192.0.2.11", State.DEAD,
            "No network heartbeat, no answer to ICMP echo and the storage counter has not advanced for 7.5 s.",
            Instant.parse("2026-11-24T12:00:07.250Z"), true, Instant.parse("2026-11-24T12:00:37.250Z"),
            INCARNATION, 7,
            new Evidence(
                    new Evidence.Heartbeat(SignalStatus.Heartbeat.LOST, Instant.parse("2026-11-24T12:00:06Z"),
                            "ephemeral znode deleted: session expired"),
                    new Evidence.Ping(SignalStatus.Ping.FAIL, Instant.parse("2026-11-24T12:00:07.100Z"), "icmp",
                            null, "no echo reply within 1000 ms"),
                    new Evidence.Storage(SignalStatus.Storage.STALE, Instant.parse("2026-11-24T12:00:07.200Z"),
                            4711L, EnumSet.of(StorageFlag.ISOLATED, StorageFlag.FENCED), 7500L, INCARNATION,
                            "counter has not advanced for 7500 ms")),
            Instant.parse("2026-11-24T12:00:07.250Z"));

    static final Maintenance MAINTENANCE = new Maintenance("compute", "host1", "kernel upgrade",
            Instant.parse("2026-11-24T12:00:00Z"), Instant.parse("2026-11-24T14:00:00Z"), "hw-operator@admin");

    static final BrakeRecord BRAKE = new BrakeRecord("compute", false, Instant.parse("2026-11-24T12:00:00Z"), 3, 5,
            "released by cert:CN=oncall,O=Example", Instant.parse("2026-11-24T12:05:00Z"), "cert:CN=oncall,O=Example");

    /** Set by one call and ended by another (the end also moved {@code expiresAt} to it). */
    static final Maintenance MAINTENANCE_V2 = new Maintenance("compute", "host1", "kernel upgrade",
            Instant.parse("2026-11-24T12:00:00Z"), Instant.parse("2026-11-24T14:00:00Z"), "hw-operator@admin",
            Instant.parse("2026-11-24T12:00:00Z"), "req-7c1e6a52-3f0b-4c4e-9d55-0a6f1c2b9e11", null)
            .endedBy(new OperatorAction(OperatorAction.MAINTENANCE_OFF, "cert:CN=oncall,O=Example",
                    "req-0b9d4f3e-6a21-4d7c-8e10-5f2a7c9d3b44", Instant.parse("2026-11-24T13:10:00Z")));

    static final BrakeRecord BRAKE_V2 = new BrakeRecord("compute", false, Instant.parse("2026-11-24T12:00:00Z"), 3,
            5, "released by cert:CN=oncall,O=Example", Instant.parse("2026-11-24T12:05:00Z"),
            "cert:CN=oncall,O=Example", null, "req-5d2c8b71-9e44-4a0f-b6c3-1e7a2f8d0c55");

    /** A verdict made actionable again by an operator's brake release. */
    static final Verdict VERDICT_V2 = VERDICT.withOperatorAction(new OperatorAction(OperatorAction.BRAKE_RELEASE,
            "hw-operator@admin", "req-5d2c8b71-9e44-4a0f-b6c3-1e7a2f8d0c55", Instant.parse("2026-11-24T12:00:07Z")));

    static final EnrollmentRecord ENROLLMENT = new EnrollmentRecord("compute", "host1", "hw-operator@admin",
            Instant.parse("2026-11-20T09:30:00Z"), "req-3a6f0e2d-1b7c-4f88-a9d4-6c2e0b5f7a13",
            new OperatorAction(OperatorAction.DECOMMISSION, "hw-operator@admin",
                    "req-9e1b7d4c-2a5f-4c36-8b0e-7d3f6a1c2e98", Instant.parse("2026-11-24T12:30:00Z")));

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("maintenance-v1", Maintenance.class, MAINTENANCE),
                Arguments.of("maintenance-v2", Maintenance.class, MAINTENANCE_V2),
                Arguments.of("brake-record-v1", BrakeRecord.class, BRAKE),
                Arguments.of("brake-record-v2", BrakeRecord.class, BRAKE_V2),
                Arguments.of("verdict-v2", Verdict.class, VERDICT_V2),
                Arguments.of("enrollment-record-v1", EnrollmentRecord.class, ENROLLMENT),
                Arguments.of("member-registration-v1", MemberRegistration.class, REGISTRATION),
                Arguments.of("member-registration-v2", MemberRegistration.class, REGISTRATION_V2),
                Arguments.of("verdict-v1", Verdict.class, VERDICT),
                Arguments.of("epoch-record-v1", EpochRecord.class, EPOCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void readingTheFixtureGivesTheRecord(String fixture, Class<?> type, Object expected) {
        assertThat(Json.read(TestFiles.fixture(fixture + ".json"), type)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void writingTheRecordGivesTheFixture(String fixture, Class<?> type, Object expected) throws IOException {
        JsonNode written = tree(Json.write(expected));
        JsonNode golden = tree(TestFiles.fixture(fixture + ".json"));
        assertThat(written).isEqualTo(golden);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void unknownFieldsAreIgnored(String fixture, Class<?> type, Object expected) throws IOException {
        byte[] extended = TestFiles.fixture(fixture + "-extra-fields.json");
        assertThat(tree(extended)).as("the variant really adds fields").isNotEqualTo(
                tree(TestFiles.fixture(fixture + ".json")));
        assertThat(Json.read(extended, type)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void roundTrips(String fixture, Class<?> type, Object expected) {
        assertThat(Json.read(Json.write(expected), type)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void rejectsTheRecordTruncatedAtEveryLength(String fixture, Class<?> type, Object expected) {
        byte[] bytes = Json.write(expected);
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> Json.read(truncated, type))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(CorruptRecordException.class);
        }
    }

    @Test
    void maintenanceEndedByACallIsNoLongerInForceEvenForReadersOfExpiresAtAlone() {
        assertThat(MAINTENANCE_V2.inForce(Instant.parse("2026-11-24T13:00:00Z"))).isFalse();
        assertThat(MAINTENANCE_V2.expiresAt()).isEqualTo(MAINTENANCE_V2.ended().at());
        assertThat(MAINTENANCE.inForce(Instant.parse("2026-11-24T13:00:00Z"))).isTrue();
        assertThat(MAINTENANCE.setAction().requestId()).isNull();
    }

    @Test
    void verdictWrittenBeforeAddressExistedStillDecodes() throws IOException {
        ObjectNode older = (ObjectNode) tree(TestFiles.fixture("verdict-v1.json"));
        older.remove("address");
        Verdict read = Json.read(Json.mapper().writeValueAsBytes(older), Verdict.class);
        assertThat(read.address()).isNull();
        assertThat(read).usingRecursiveComparison().ignoringFields("address").isEqualTo(VERDICT);
    }

    @Test
    void registrationWithoutAStorageKeyStillDecodes() {
        MemberRegistration older = Json.read(TestFiles.fixture("member-registration-v1.json"),
                MemberRegistration.class);
        assertThat(older.storageKey()).isNull();
        assertThat(StorageKeys.parse(REGISTRATION_V2.storageKey()).getEncoded())
                .isEqualTo(TestKeys.GOLDEN.getPublic().getEncoded());
        assertThat(REGISTRATION_V2.withLeaving(true).storageKey()).isEqualTo(TestKeys.GOLDEN_PUBLIC);
    }

    @Test
    void instantsAreIsoStringsNotNumbers() throws IOException {
        JsonNode tree = tree(Json.write(EPOCH));
        assertThat(tree.get("since").isTextual()).isTrue();
        assertThat(tree.get("since").asText()).isEqualTo("2026-11-24T11:00:00Z");
    }

    @Test
    void verdictOmitsAbsentFields() throws IOException {
        Verdict running = new Verdict("compute", "host1", "192.0.2.11", State.RUNNING, "Heartbeat present.",
                Instant.parse("2026-11-24T12:00:00Z"), false, null, INCARNATION, 7,
                new Evidence(new Evidence.Heartbeat(SignalStatus.Heartbeat.OK, Instant.parse("2026-11-24T12:00:00Z"),
                        null), null, null),
                Instant.parse("2026-11-24T12:00:00Z"));
        JsonNode tree = tree(Json.write(running));
        assertThat(tree.has("safeToRecoverAt")).isFalse();
        assertThat(tree.get("evidence").has("ping")).isFalse();
        assertThat(tree.get("evidence").has("storage")).isFalse();
        assertThat(tree.get("evidence").get("heartbeat").has("detail")).isFalse();
        assertThat(Json.read(Json.write(running), Verdict.class)).isEqualTo(running);
    }

    @Test
    void recordIdsComeFromTheirNames() {
        assertThat(REGISTRATION.id()).isEqualTo(MemberId.of("compute", "host1"));
        assertThat(VERDICT.id()).isEqualTo(MemberId.of("compute", "host1"));
        assertThat(REGISTRATION.withLeaving(true).leaving()).isTrue();
        assertThat(REGISTRATION.withLeaving(true).withLeaving(false)).isEqualTo(REGISTRATION);
    }

    @Test
    void configureGivesAnyMapperTheSameWireFormat() throws IOException {
        ObjectMapper mapper = Json.configure(new ObjectMapper());
        assertThat(mapper.readTree(mapper.writeValueAsBytes(VERDICT))).isEqualTo(tree(Json.write(VERDICT)));
        assertThat(mapper.readValue(TestFiles.fixture("verdict-v1-extra-fields.json"), Verdict.class))
                .isEqualTo(VERDICT);
    }

    // ---- corrupt input -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{", "}", "{\"epoch\":", "{\"epoch\": \"seven\"}", "[1, 2, 3]", "null",
        "\"detector-a\"", "{\"since\": \"yesterday\"}", "\u00ff\u00fe\0\0"})
    void readRejectsGarbage(String garbage) {
        byte[] bytes = garbage.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Json.read(bytes, EpochRecord.class))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining("EpochRecord");
    }

    @Test
    void readRejectsRandomBinary() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 37 + 11);
        }
        assertThatThrownBy(() -> Json.read(bytes, Verdict.class)).isInstanceOf(CorruptRecordException.class);
    }

    @Test
    void readRejectsEmptyAndMissingInput() {
        assertThatThrownBy(() -> Json.read(new byte[0], Verdict.class))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Json.read(null, Verdict.class))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("empty");
    }

    @Test
    void readRejectsInputOverTheLimitEvenWhenItIsValidJson() {
        byte[] oversized = padded(Json.write(EPOCH), ZkPaths.MAX_RECORD_BYTES + 1);
        assertThatThrownBy(() -> Json.read(oversized, EpochRecord.class))
                .isInstanceOf(CorruptRecordException.class)
                .hasMessageContaining(String.valueOf(ZkPaths.MAX_RECORD_BYTES));
    }

    @Test
    void readAcceptsInputOfExactlyTheLimit() {
        byte[] atLimit = padded(Json.write(EPOCH), ZkPaths.MAX_RECORD_BYTES);
        assertThat(Json.read(atLimit, EpochRecord.class)).isEqualTo(EPOCH);
    }

    @Test
    void writeRefusesARecordOverTheLimit() {
        EpochRecord huge = new EpochRecord(1, "x".repeat(ZkPaths.MAX_RECORD_BYTES), Instant.EPOCH);
        assertThatThrownBy(() -> Json.write(huge))
                .isInstanceOf(HostwatchException.class)
                .hasMessageContaining(String.valueOf(ZkPaths.MAX_RECORD_BYTES));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static JsonNode tree(byte[] json) throws IOException {
        return Json.mapper().readTree(json);
    }

    /** {@code json} followed by spaces up to {@code size} bytes: still one valid JSON document. */
    private static byte[] padded(byte[] json, int size) {
        byte[] out = Arrays.copyOf(json, size);
        Arrays.fill(out, json.length, size, (byte) ' ');
        return out;
    }
}
