package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code docs/zk-schema.md} describes every path of {@link ZkPaths} and every field of the stored records. */
@Timeout(10)
class ZkSchemaDocTest {
    private static final String DOC = "zk-schema.md";
    private static final String HEADER = "| path | mode | writer | record |";

    private static String doc;
    /** Table rows keyed by path (backticks removed): columns path, mode, writer, record. */
    private static Map<String, List<String>> table;

    @BeforeAll
    static void readDoc() {
        doc = TestFiles.doc(DOC);
        table = pathTable(doc);
    }

    @Test
    void hasThePathTable() {
        assertThat(doc).as("docs/%s must contain a table with header '%s'", DOC, HEADER).contains(HEADER);
        assertThat(table).isNotEmpty();
    }

    @Test
    void everyPathConstantHasARow() throws IllegalAccessException {
        for (String path : ZkPathsTest.pathConstants()) {
            assertThat(table).as("row for ZkPaths constant %s in docs/%s", path, DOC).containsKey(path);
        }
    }

    @Test
    void memberAndVerdictTemplatesHaveRows() {
        assertThat(table).containsKeys(
                ZkPaths.MEMBERS + "/{group}/{host}", ZkPaths.VERDICTS + "/{group}/{host}",
                memberTemplate(), heartbeatTemplate(), verdictTemplate(), memberGroupTemplate(),
                verdictGroupTemplate());
    }

    @Test
    void everyRowIsAPathTheCodeKnows() throws IllegalAccessException {
        Set<String> known = new LinkedHashSet<>(ZkPathsTest.pathConstants());
        known.addAll(List.of(memberTemplate(), heartbeatTemplate(), verdictTemplate(), memberGroupTemplate(), verdictGroupTemplate(),
                ZkPaths.MAINTENANCE + "/{group}/{host}", ZkPaths.BRAKES + "/{group}", ZkPaths.NOVA + "/{group}",
                ZkPaths.NOVA + "/{group}/{host}", ZkPaths.FENCING + "/{group}", ZkPaths.FENCING + "/{group}/{host}",
                historyGroupTemplate(), historyTemplate(), historyEntryTemplate()));
        assertThat(known).as("paths in the table of docs/%s that ZkPaths does not build", DOC)
                .containsAll(table.keySet());
    }

    @Test
    void rowsStateModeAndRecordOfTheDataNodes() {
        assertThat(row(memberTemplate()).get(1)).contains("PERSISTENT");
        assertThat(row(memberTemplate()).get(2)).contains("enroll");
        assertThat(row(heartbeatTemplate()).get(1)).contains("EPHEMERAL");
        assertThat(row(heartbeatTemplate()).get(3)).contains("MemberRegistration");
        assertThat(row(verdictTemplate()).get(1)).contains("PERSISTENT");
        assertThat(row(verdictTemplate()).get(2)).contains("epoch");
        assertThat(row(verdictTemplate()).get(3)).contains("Verdict");
        assertThat(row(ZkPaths.EPOCH).get(1)).contains("PERSISTENT");
        assertThat(row(ZkPaths.EPOCH).get(3)).contains("EpochRecord");
        assertThat(row(ZkPaths.LEADER).get(2)).contains("LeaderLatch");
        assertThat(row(historyEntryTemplate()).get(1)).contains("PERSISTENT_SEQUENTIAL");
        assertThat(row(historyEntryTemplate()).get(2)).contains("epoch-guarded multi-op");
        assertThat(row(historyEntryTemplate()).get(3)).contains("Verdict");
    }

    @Test
    void explainsEpochFencing() {
        assertThat(doc).contains("data version is the epoch").contains("check(").contains("multi-op")
                .contains("BADVERSION");
    }

    static Stream<Class<?>> storedRecords() {
        return Stream.of(MemberRegistration.class, Verdict.class, EpochRecord.class, Evidence.class,
                Evidence.Heartbeat.class, Evidence.Ping.class, Evidence.Storage.class, Maintenance.class,
                BrakeRecord.class, NovaAction.class, Evidence.Power.class, FencingAction.class, OperatorAction.class,
                EnrollmentRecord.class);
    }

    @ParameterizedTest
    @MethodSource("storedRecords")
    void describesEveryFieldOfTheStoredRecords(Class<?> record) {
        for (RecordComponent component : record.getRecordComponents()) {
            assertThat(doc).as("field %s of %s described in docs/%s", component.getName(), record.getSimpleName(),
                    DOC).contains("`" + component.getName() + "`");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static List<String> row(String path) {
        assertThat(table).as("row for %s in docs/%s", path, DOC).containsKey(path);
        return table.get(path);
    }

    private static String memberTemplate() {
        return template(ZkPaths.member(MemberId.of("group", "host")), "/group/host", "/{group}/{host}");
    }

    private static String heartbeatTemplate() {
        return template(ZkPaths.heartbeat(MemberId.of("group", "host")), "/group/host/heartbeat",
                "/{group}/{host}/heartbeat");
    }

    private static String verdictTemplate() {
        return template(ZkPaths.verdict(MemberId.of("group", "host")), "/group/host", "/{group}/{host}");
    }

    private static String memberGroupTemplate() {
        return template(ZkPaths.memberGroup("group"), "/group", "/{group}");
    }

    private static String verdictGroupTemplate() {
        return template(ZkPaths.verdictGroup("group"), "/group", "/{group}");
    }

    private static String historyGroupTemplate() {
        return template(ZkPaths.historyGroup("group"), "/group", "/{group}");
    }

    private static String historyTemplate() {
        return template(ZkPaths.history(MemberId.of("group", "host")), "/group/host", "/{group}/{host}");
    }

    private static String historyEntryTemplate() {
        return template(ZkPaths.historyEntryPrefix(MemberId.of("group", "host")), "/group/host/t-",
                "/{group}/{host}/t-{sequence}");
    }

    private static String template(String built, String suffix, String placeholder) {
        assertThat(built).endsWith(suffix);
        return built.substring(0, built.length() - suffix.length()) + placeholder;
    }

    private static Map<String, List<String>> pathTable(String text) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.equals(HEADER)) {
                inTable = true;
                continue;
            }
            if (!inTable) {
                continue;
            }
            if (!trimmed.startsWith("|")) {
                break;
            }
            if (trimmed.matches("\\|[-| :]+\\|")) {
                continue;
            }
            String[] cells = trimmed.substring(1, trimmed.length() - 1).split("\\|", -1);
            assertThat(cells).as("table row '%s' has four columns", trimmed).hasSize(4);
            List<String> columns = Stream.of(cells).map(String::strip).toList();
            String path = columns.get(0).replace("`", "");
            assertThat(rows).as("path %s listed twice", path).doesNotContainKey(path);
            rows.put(path, columns);
        }
        return rows;
    }
}
