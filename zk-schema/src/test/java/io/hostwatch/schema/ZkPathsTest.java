package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class ZkPathsTest {
    private static final MemberId ID = MemberId.of("compute", "host1");

    static Stream<MemberId> members() {
        return Stream.of(ID, MemberId.of("compute", "node-01"), MemberId.of("A1", "a"),
                MemberId.of("g".repeat(63), "h".repeat(63)));
    }

    @Test
    void constantsSpellTheTree() {
        assertThat(ZkPaths.ROOT).isEqualTo("/hostwatch");
        assertThat(ZkPaths.MEMBERS).isEqualTo("/hostwatch/members");
        assertThat(ZkPaths.VERDICTS).isEqualTo("/hostwatch/verdicts");
        assertThat(ZkPaths.DETECTOR).isEqualTo("/hostwatch/detector");
        assertThat(ZkPaths.LEADER).isEqualTo("/hostwatch/detector/leader");
        assertThat(ZkPaths.EPOCH).isEqualTo("/hostwatch/detector/epoch");
    }

    @Test
    void everyPathConstantIsAWellFormedZnodePathUnderTheRoot() throws IllegalAccessException {
        List<String> paths = pathConstants();
        assertThat(paths).isNotEmpty().doesNotHaveDuplicates();
        for (String path : paths) {
            assertThat(path).as(path).startsWith("/").doesNotEndWith("/").doesNotContain("//")
                    .doesNotContain("/./").doesNotContain("/../");
            assertThat(path.equals(ZkPaths.ROOT) || path.startsWith(ZkPaths.ROOT + "/")).as(path).isTrue();
        }
    }

    @Test
    void recordLimitIsWellBelowZooKeepersOwn() {
        assertThat(ZkPaths.MAX_RECORD_BYTES).isEqualTo(64 * 1024).isLessThan(1024 * 1024);
    }

    @Test
    void buildsMemberAndVerdictPaths() {
        assertThat(ZkPaths.member(ID)).isEqualTo("/hostwatch/members/compute/host1");
        assertThat(ZkPaths.verdict(ID)).isEqualTo("/hostwatch/verdicts/compute/host1");
        assertThat(ZkPaths.memberGroup("compute")).isEqualTo("/hostwatch/members/compute");
        assertThat(ZkPaths.verdictGroup("compute")).isEqualTo("/hostwatch/verdicts/compute");
    }

    @Test
    void heartbeatIsTheEphemeralChildOfTheEnrollment() {
        assertThat(ZkPaths.heartbeat(ID)).isEqualTo("/hostwatch/members/compute/host1/heartbeat");
        assertThat(ZkPaths.parseHeartbeat(ZkPaths.heartbeat(ID))).contains(ID);
        assertThat(ZkPaths.parseHeartbeat(ZkPaths.member(ID))).isEmpty();
        assertThat(ZkPaths.parseHeartbeat(ZkPaths.member(ID) + "/other")).isEmpty();
        assertThat(ZkPaths.parseHeartbeat(ZkPaths.MEMBERS + "/compute/heartbeat")).isEmpty();
        assertThat(ZkPaths.parseHeartbeat(ZkPaths.heartbeat(ID) + "/heartbeat")).isEmpty();
        assertThat(ZkPaths.parseHeartbeat(ZkPaths.VERDICTS + "/compute/host1/heartbeat")).isEmpty();
        assertThat(ZkPaths.parseHeartbeat(null)).isEmpty();
    }

    @Test
    void buildsHistoryPaths() {
        assertThat(ZkPaths.HISTORY).isEqualTo("/hostwatch/history");
        assertThat(ZkPaths.historyGroup("compute")).isEqualTo("/hostwatch/history/compute");
        assertThat(ZkPaths.history(ID)).isEqualTo("/hostwatch/history/compute/host1");
        assertThat(ZkPaths.historyEntryPrefix(ID)).isEqualTo("/hostwatch/history/compute/host1/t-");
        assertThat(ZkPaths.parse(ZkPaths.HISTORY, ZkPaths.history(ID))).contains(ID);
        assertThat(ZkPaths.parse(ZkPaths.HISTORY, ZkPaths.historyEntryPrefix(ID) + "0000000001")).isEmpty();
        assertThatThrownBy(() -> ZkPaths.historyGroup("a/b")).isInstanceOf(InvalidNameException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"..", ".", "a/b", "a\0b", "-a", "a_b"})
    void groupPathsRejectBadNames(String group) {
        assertThatThrownBy(() -> ZkPaths.memberGroup(group))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("group");
        assertThatThrownBy(() -> ZkPaths.verdictGroup(group))
                .isInstanceOf(InvalidNameException.class).hasMessageContaining("group");
    }

    @ParameterizedTest
    @MethodSource("members")
    void parseRoundTripsMemberPaths(MemberId id) {
        assertThat(ZkPaths.parse(ZkPaths.MEMBERS, ZkPaths.member(id))).contains(id);
        assertThat(ZkPaths.parse(ZkPaths.VERDICTS, ZkPaths.verdict(id))).contains(id);
    }

    @ParameterizedTest
    @MethodSource("members")
    void memberPathsSitUnderTheirGroupPath(MemberId id) {
        assertThat(ZkPaths.member(id)).isEqualTo(ZkPaths.memberGroup(id.group()) + "/" + id.host());
        assertThat(ZkPaths.verdict(id)).isEqualTo(ZkPaths.verdictGroup(id.group()) + "/" + id.host());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/hostwatch/members/compute/host1/extra",
        "/hostwatch/members/compute/host1/",
        "/hostwatch/members/compute/host1//",
        "/hostwatch/members/compute",
        "/hostwatch/members/compute/",
        "/hostwatch/members/",
        "/hostwatch/members",
        "/hostwatch/members//host1",
        "/hostwatch/members/compute//host1",
        "/hostwatch/members/../host1",
        "/hostwatch/members/compute/..",
        "/hostwatch/members/compute/.",
        "/hostwatch/members/compute/a_b",
        "/hostwatch/members/compute/-a",
        "/hostwatch/members/compute/a.b",
        "/hostwatch/members/compute/a\0b",
        "/hostwatch/members/compute/h\u00e4st",
        "/hostwatch/verdicts/compute/host1",
        "/hostwatch/membersX/compute/host1",
        "/hostwatch/detector/leader",
        "hostwatch/members/compute/host1",
        "/other/members/compute/host1",
        "/hostwatch/members/compute/host1/latch-0000000001",
        ""
    })
    void parseRejectsPathsThatDoNotNameAMember(String path) {
        assertThat(ZkPaths.parse(ZkPaths.MEMBERS, path)).isEmpty();
    }

    @Test
    void parseRejectsNull() {
        assertThat(ZkPaths.parse(ZkPaths.MEMBERS, null)).isEmpty();
    }

    @Test
    void parseRejectsOverlongNames() {
        assertThat(ZkPaths.parse(ZkPaths.MEMBERS, ZkPaths.MEMBERS + "/compute/" + "h".repeat(64))).isEmpty();
        assertThat(ZkPaths.parse(ZkPaths.MEMBERS, ZkPaths.MEMBERS + "/" + "g".repeat(64) + "/host1")).isEmpty();
    }

    @Test
    void parseRejectsAMemberPathUnderTheWrongBase() {
        assertThat(ZkPaths.parse(ZkPaths.VERDICTS, ZkPaths.member(ID))).isEmpty();
        assertThat(ZkPaths.parse(ZkPaths.MEMBERS, ZkPaths.verdict(ID))).isEmpty();
        assertThat(ZkPaths.parse(ZkPaths.ROOT, ZkPaths.member(ID))).isEmpty();
    }

    /** Values of every public static String constant of {@link ZkPaths}. */
    static List<String> pathConstants() throws IllegalAccessException {
        List<String> values = new ArrayList<>();
        for (Field field : ZkPaths.class.getDeclaredFields()) {
            int mods = field.getModifiers();
            if (Modifier.isPublic(mods) && Modifier.isStatic(mods) && field.getType() == String.class) {
                values.add((String) field.get(null));
            }
        }
        return values;
    }
}
