package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Golden JSON fixture of {@link NovaAction}: its wire format may only ever gain fields. */
@Timeout(10)
class NovaActionFixtureTest {
    static final NovaAction ACTION = new NovaAction("compute", "host1", "host1.cloud.example.com",
            "123e4567-e89b-12d3-a456-426614174000", NovaAction.Kind.FORCE_DOWN, NovaAction.Status.DONE, State.DEAD,
            "hostwatch: DEAD since 2026-11-24T12:00:07.250Z (incarnation 123e4567, epoch 7)",
            "9d3f8a3c-2b1e-4c5d-8f7a-0e1b2c3d4e5f", 2, "Nova answered 503: service unavailable",
            NovaAction.Notification.ACCEPTED, Instant.parse("2026-11-24T12:00:37.300Z"),
            Instant.parse("2026-11-24T12:00:39.500Z"), null, Instant.parse("2026-11-24T12:00:39.500Z"), 7,
            Instant.parse("2026-11-24T12:00:39.510Z"));

    /** Version 2: the Masakari step on its own, here still retried while Nova's part is DONE. */
    static final NovaAction ACTION_V2 = new NovaAction("compute", "host1", "host1.cloud.example.com",
            "123e4567-e89b-12d3-a456-426614174000", NovaAction.Kind.FORCE_DOWN, NovaAction.Status.DONE, State.DEAD,
            "hostwatch: DEAD since 2026-11-24T12:00:07.250Z (incarnation 123e4567, epoch 7)",
            "9d3f8a3c-2b1e-4c5d-8f7a-0e1b2c3d4e5f", 1, null, null, Instant.parse("2026-11-24T12:00:37.300Z"),
            Instant.parse("2026-11-24T12:00:39.500Z"), null, Instant.parse("2026-11-24T12:00:39.500Z"), 7,
            Instant.parse("2026-11-24T12:00:39.510Z"))
            .withNotification(new NovaAction.MasakariStep(NovaAction.Notification.PENDING,
                    "Masakari answered 500 to notify the failure of host1.cloud.example.com: Unexpected API Error.",
                    2, null, Instant.parse("2026-11-24T12:00:41.500Z"), true,
                    Instant.parse("2026-11-24T12:00:41.600Z"), Instant.parse("2026-11-24T12:00:45.600Z"), null));

    @Test
    void version2RoundTripsThroughItsFixture() throws IOException {
        assertThat(Json.read(TestFiles.fixture("nova-action-v2.json"), NovaAction.class)).isEqualTo(ACTION_V2);
        assertThat(tree(Json.write(ACTION_V2))).isEqualTo(tree(TestFiles.fixture("nova-action-v2.json")));
        assertThat(ACTION_V2.masakari()).as("the first version's field follows the step").isEqualTo(
                NovaAction.Notification.PENDING);
    }

    @Test
    void readingTheFixtureGivesTheRecord() {
        assertThat(Json.read(TestFiles.fixture("nova-action-v1.json"), NovaAction.class)).isEqualTo(ACTION);
    }

    @Test
    void writingTheRecordGivesTheFixture() throws IOException {
        assertThat(tree(Json.write(ACTION))).isEqualTo(tree(TestFiles.fixture("nova-action-v1.json")));
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        byte[] extended = TestFiles.fixture("nova-action-v1-extra-fields.json");
        assertThat(tree(extended)).isNotEqualTo(tree(TestFiles.fixture("nova-action-v1.json")));
        assertThat(Json.read(extended, NovaAction.class)).isEqualTo(ACTION);
    }

    @Test
    void absentFieldsAreOmittedAndRoundTrip() throws IOException {
        NovaAction intent = new NovaAction("compute", "host1", "host1", "inc-1", NovaAction.Kind.FORCE_UP,
                NovaAction.Status.PENDING, State.RUNNING, null, null, 0, null, null,
                Instant.parse("2026-11-24T12:00:00Z"), null, null, null, 3, Instant.parse("2026-11-24T12:00:00Z"));
        JsonNode tree = tree(Json.write(intent));
        assertThat(tree.has("reason")).isFalse();
        assertThat(tree.has("serviceId")).isFalse();
        assertThat(tree.has("masakari")).isFalse();
        assertThat(tree.has("completedAt")).isFalse();
        assertThat(tree.get("attempts").asInt()).isZero();
        assertThat(Json.read(Json.write(intent), NovaAction.class)).isEqualTo(intent);
        assertThat(intent.id()).isEqualTo(MemberId.of("compute", "host1"));
    }

    @Test
    void rejectsTheRecordTruncatedAtEveryLength() {
        byte[] bytes = Json.write(ACTION);
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> Json.read(truncated, NovaAction.class))
                    .as("truncated to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(CorruptRecordException.class);
        }
    }

    @Test
    void pathOfTheRecord() {
        assertThat(ZkPaths.NOVA).isEqualTo("/hostwatch/nova");
        assertThat(ZkPaths.nova(MemberId.of("compute", "host1"))).isEqualTo("/hostwatch/nova/compute/host1");
        assertThat(ZkPaths.parse(ZkPaths.NOVA, "/hostwatch/nova/compute/host1"))
                .contains(MemberId.of("compute", "host1"));
    }

    private static JsonNode tree(byte[] json) throws IOException {
        return Json.mapper().readTree(json);
    }
}
