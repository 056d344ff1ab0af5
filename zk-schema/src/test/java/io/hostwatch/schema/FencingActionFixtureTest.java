package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Golden JSON fixture of {@link FencingAction} and of the {@code power} evidence: they may only gain fields. */
@Timeout(10)
class FencingActionFixtureTest {
    static final String INCARNATION = "123e4567-e89b-12d3-a456-426614174000";
    static final FencingAction ACTION = new FencingAction("compute", "host1", INCARNATION, "ipmi-lanplus",
            "192.0.2.211:623", FencingAction.Status.CONFIRMED, State.DEAD, SignalStatus.Power.OFF,
            "Chassis Power is off", "FORCE_OFF", 1, false, 2, "no answer from the BMC within 5000 ms",
            Instant.parse("2026-11-24T12:00:08.300Z"), Instant.parse("2026-11-24T12:00:11.500Z"), null,
            Instant.parse("2026-11-24T12:00:11.500Z"), 7, Instant.parse("2026-11-24T12:00:11.510Z"));

    @Test
    void readingTheFixtureGivesTheRecord() {
        assertThat(Json.read(TestFiles.fixture("fencing-action-v1.json"), FencingAction.class)).isEqualTo(ACTION);
    }

    @Test
    void writingTheRecordGivesTheFixture() throws IOException {
        assertThat(tree(Json.write(ACTION))).isEqualTo(tree(TestFiles.fixture("fencing-action-v1.json")));
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        byte[] extended = TestFiles.fixture("fencing-action-v1-extra-fields.json");
        assertThat(tree(extended)).isNotEqualTo(tree(TestFiles.fixture("fencing-action-v1.json")));
        assertThat(Json.read(extended, FencingAction.class)).isEqualTo(ACTION);
    }

    @Test
    void confirmsOffOnlyForItsOwnIncarnation() {
        assertThat(ACTION.confirmsOff(INCARNATION)).isTrue();
        assertThat(ACTION.confirmsOff("another")).isFalse();
        assertThat(ACTION.confirmsOff(null)).isFalse();
        FencingAction pending = new FencingAction("compute", "host1", INCARNATION, "redfish", "https://bmc",
                FencingAction.Status.PENDING, State.ISOLATED, SignalStatus.Power.UNKNOWN, null, "NONE", 0, false, 1,
                "timeout", Instant.EPOCH, Instant.EPOCH, Instant.EPOCH.plusSeconds(2), null, 3, Instant.EPOCH);
        assertThat(pending.confirmsOff(INCARNATION)).isFalse();
        assertThat(Json.read(Json.write(pending), FencingAction.class)).isEqualTo(pending);
        assertThat(pending.id()).isEqualTo(MemberId.of("compute", "host1"));
    }

    @Test
    void rejectsTheRecordTruncatedAtEveryLength() {
        byte[] bytes = Json.write(ACTION);
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> Json.read(truncated, FencingAction.class))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(CorruptRecordException.class);
        }
    }

    @Test
    void powerEvidenceRoundTripsInsideAVerdict() throws IOException {
        Evidence.Power power = new Evidence.Power(SignalStatus.Power.OFF, Instant.parse("2026-11-24T12:00:11.500Z"),
                "ipmi-lanplus", "Chassis Power is off", "FORCE_OFF", true, null);
        Evidence e = new Evidence(null, null, null).withPower(power);
        JsonNode tree = tree(Json.write(e));
        assertThat(tree.path("power").path("status").asText()).isEqualTo("OFF");
        assertThat(tree.path("power").path("fenced").asBoolean()).isTrue();
        assertThat(tree.path("power").has("detail")).isFalse();
        assertThat(Json.read(Json.write(e), Evidence.class)).isEqualTo(e);
        assertThat(tree(Json.write(new Evidence(null, null, null))).has("power")).isFalse();
    }

    @Test
    void pathOfTheRecord() {
        assertThat(ZkPaths.FENCING).isEqualTo("/hostwatch/fencing");
        assertThat(ZkPaths.fencing(MemberId.of("compute", "host1"))).isEqualTo("/hostwatch/fencing/compute/host1");
        assertThat(ZkPaths.fencingGroup("compute")).isEqualTo("/hostwatch/fencing/compute");
        assertThat(ZkPaths.parse(ZkPaths.FENCING, "/hostwatch/fencing/compute/host1"))
                .contains(MemberId.of("compute", "host1"));
        assertThatThrownBy(() -> ZkPaths.fencingGroup("../x")).isInstanceOf(InvalidNameException.class);
    }

    private static JsonNode tree(byte[] json) throws IOException {
        return Json.mapper().readTree(json);
    }
}
