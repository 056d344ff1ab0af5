package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The admin verbs in-process against a canned REST API: what they request, what they print (no
 * terminal here, so no colour), and their exit statuses.
 */
@Timeout(30)
class AdminCommandsTest {
    private static final String VERDICT_RUNNING = "{\"group\":\"compute\",\"host\":\"h1\",\"address\":\"10.0.0.1\","
            + "\"state\":\"RUNNING\",\"reason\":\"heartbeat present\",\"since\":\"2026-11-24T12:00:00Z\","
            + "\"actionable\":false,\"incarnation\":\"inc-1\",\"epoch\":3,"
            + "\"evidence\":{\"heartbeat\":{\"status\":\"OK\",\"observedAt\":\"2026-11-24T12:00:00Z\","
            + "\"detail\":\"heartbeat znode present\"}},\"updatedAt\":\"2026-11-24T12:00:01Z\"}";
    private static final String VERDICT_DEAD = "{\"group\":\"compute\",\"host\":\"h2\",\"address\":\"10.0.0.2\","
            + "\"state\":\"DEAD\",\"reason\":\"no heartbeat, no answer\",\"since\":\"2026-11-24T12:05:00Z\","
            + "\"actionable\":true,\"safeToRecoverAt\":\"2026-11-24T12:05:30Z\",\"incarnation\":\"inc-2\","
            + "\"epoch\":3,\"evidence\":{\"heartbeat\":{\"status\":\"LOST\",\"observedAt\":\"2026-11-24T12:04:54Z\"},"
            + "\"ping\":{\"status\":\"FAIL\",\"observedAt\":\"2026-11-24T12:05:00Z\",\"method\":\"icmp\","
            + "\"detail\":\"no answer within 1000 ms\"},\"storage\":{\"status\":\"STALE\","
            + "\"observedAt\":\"2026-11-24T12:05:00Z\",\"seq\":812,\"flags\":[],\"millisSinceAdvance\":6000}},"
            + "\"updatedAt\":\"2026-11-24T12:05:00Z\"}";

    private StubService stub;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        stub = new StubService();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private int run(String... args) {
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] withUrl = new String[args.length + 2];
        System.arraycopy(args, 0, withUrl, 0, args.length);
        withUrl[args.length] = "--url";
        withUrl[args.length + 1] = stub.url();
        return commandLine.execute(withUrl);
    }

    private List<String> lines() {
        return out.toString().lines().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"members", "member", "history", "watch", "maintenance", "detector", "brake",
        "brake release", "brake show"})
    void everyVerbHasHelpWithItsExitStatuses(String verb) {
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        String[] args = (verb + " --help").split(" ");
        assertThat(commandLine.execute(args)).isZero();
        assertThat(out.toString()).contains("Usage: hostwatch " + verb, "Exit status:", "  0   ", "  2   ", "  3   ");
    }

    @Test
    void membersIsATableOfEveryGroup() {
        stub.answer("GET /v1/groups", 200, "{\"groups\":[{\"name\":\"compute\",\"members\":2}]}")
                .answer("GET /v1/groups/compute/members", 200, "{\"group\":\"compute\",\"members\":["
                        + VERDICT_RUNNING + "," + VERDICT_DEAD + "]}");
        assertThat(run("members")).isZero();
        assertThat(lines()).hasSize(4);
        assertThat(lines().get(0)).matches("GROUP +HOST +STATE +SINCE +REASON");
        assertThat(lines().get(1)).matches("compute +h1 +RUNNING +2026-11-24T12:00:00Z \\([^)]*\\) +heartbeat "
                + "present");
        assertThat(lines().get(2)).matches("compute +h2 +DEAD\\* +2026-11-24T12:05:00Z \\([^)]*\\) +no heartbeat, "
                + "no answer");
        assertThat(lines().get(3)).startsWith("* actionable");
        assertThat(lines().get(1).indexOf("RUNNING")).isEqualTo(lines().get(2).indexOf("DEAD"));
        assertThat(out.toString()).doesNotContain("\u001b[");
    }

    @Test
    void membersJsonIsTheServicesJson() {
        String body = "{\"group\":\"compute\",\"members\":[" + VERDICT_RUNNING + "]}";
        stub.answer("GET /v1/groups/compute/members", 200, body)
                .answer("GET /v1/groups", 200, "{\"groups\":[{\"name\":\"compute\",\"members\":1}]}");
        assertThat(run("members", "compute", "--json")).isZero();
        assertThat(out.toString().strip()).isEqualTo(body);
        out.getBuffer().setLength(0);
        assertThat(run("members", "--json")).isZero();
        assertThat(out.toString().strip()).isEqualTo("[" + body + "]");
    }

    @Test
    void memberShowsTheVerdictWithItsEvidence() {
        stub.answer("GET /v1/groups/compute/members/h2", 200, VERDICT_DEAD);
        assertThat(run("member", "compute", "h2")).isZero();
        assertThat(out.toString()).contains("compute/h2  DEAD [actionable]", "reason           no heartbeat, no answer",
                "safe to recover  2026-11-24T12:05:30Z", "epoch            3")
                .containsPattern("heartbeat +LOST +2026-11-24T12:04:54Z")
                .containsPattern("ping +FAIL +2026-11-24T12:05:00Z  via icmp, no answer within 1000 ms")
                .containsPattern("storage +STALE +2026-11-24T12:05:00Z  seq 812, 6000 ms since it advanced");
        out.getBuffer().setLength(0);
        assertThat(run("member", "compute", "h2", "--json")).isZero();
        assertThat(out.toString().strip()).isEqualTo(VERDICT_DEAD);
    }

    @Test
    void historyAsksForTheLimitAndShowsNewestFirst() {
        stub.answer("GET /v1/groups/compute/members/h2/history?limit=5", 200,
                "{\"group\":\"compute\",\"host\":\"h2\",\"transitions\":[" + VERDICT_DEAD + ","
                        + VERDICT_RUNNING.replace("\"h1\"", "\"h2\"") + "]}");
        assertThat(run("history", "compute", "h2", "--limit", "5")).isZero();
        assertThat(lines().get(0)).matches("WHEN +STATE +EPOCH +REASON");
        assertThat(lines().get(1)).matches("2026-11-24T12:05:00Z +DEAD\\* +3 +no heartbeat, no answer");
        assertThat(lines().get(2)).matches("2026-11-24T12:00:01Z +RUNNING +3 +heartbeat present");
        assertThat(run("history", "compute", "h2", "--limit", "0")).isEqualTo(2);
        assertThat(run("history", "compute", "h2", "--limit", "ten")).isEqualTo(2);
        assertThat(stub.requests).hasSize(1);
    }

    @Test
    void historyAndMemberNameTheOperatorCallThatCausedATransitionEscaped() {
        String action = ",\"operatorAction\":{\"action\":\"MAINTENANCE_ON\",\"by\":\"hw-operator@admin\\u001b[2J\","
                + "\"requestId\":\"req-1\",\"at\":\"2026-11-24T12:04:00Z\"}}";
        String caused = VERDICT_DEAD.substring(0, VERDICT_DEAD.lastIndexOf('}')) + action;
        stub.answer("GET /v1/groups/compute/members/h2/history?limit=20", 200,
                "{\"group\":\"compute\",\"host\":\"h2\",\"transitions\":[" + caused + "]}")
                .answer("GET /v1/groups/compute/members/h2", 200, caused);
        assertThat(run("history", "compute", "h2", "--limit", "20")).isZero();
        assertThat(lines().get(1)).endsWith("[MAINTENANCE_ON by hw-operator@admin\\u001b[2J at 2026-11-24T12:04:00Z (req-1)]");
        out.getBuffer().setLength(0);
        assertThat(run("member", "compute", "h2")).isZero();
        assertThat(out.toString()).contains("caused by        MAINTENANCE_ON by hw-operator@admin\\u001b[2J at "
                + "2026-11-24T12:04:00Z (req-1)").doesNotContain("\u001b[2J");
    }

    @Test
    void maintenanceOnPutsReasonAndDurationOffDeletes() {
        stub.answer("PUT /v1/groups/compute/members/h1/maintenance", 200, "{\"group\":\"compute\",\"host\":\"h1\","
                        + "\"reason\":\"kernel upgrade\",\"since\":\"2026-11-24T12:00:00Z\","
                        + "\"expiresAt\":\"2026-11-24T14:00:00Z\"}")
                .answer("DELETE /v1/groups/compute/members/h1/maintenance", 204, "");
        assertThat(run("maintenance", "compute", "h1", "on", "--reason", "kernel upgrade", "--for", "2h")).isZero();
        assertThat(stub.requests.get(0).body()).isEqualTo("{\"reason\":\"kernel upgrade\",\"for\":\"2h\"}");
        assertThat(out.toString()).contains("compute/h1: maintenance on until 2026-11-24T14:00:00Z (kernel upgrade)");
        assertThat(run("maintenance", "compute", "h1", "OFF")).isZero();
        assertThat(stub.requests.get(1).method()).isEqualTo("DELETE");
        assertThat(out.toString()).contains("compute/h1: maintenance off");
        assertThat(run("maintenance", "compute", "h1", "off", "--reason", "x")).isEqualTo(2);
        assertThat(run("maintenance", "compute", "h1", "maybe")).isEqualTo(2);
        assertThat(stub.requests).hasSize(2);
    }

    @Test
    void detectorShowsLeadershipSelfCheckAndBrakes() {
        stub.answer("GET /v1/detector", 200, "{\"instance\":\"svc-1\",\"leader\":true,\"leaderInstance\":\"svc-1\","
                + "\"epoch\":7,\"leaderSince\":\"2026-11-24T12:00:00.123Z\",\"zookeeper\":\"CONNECTED\","
                + "\"judging\":true,\"members\":12,\"pingMethod\":\"icmp+tcp\",\"selfCheck\":{\"network\":\"OK\","
                + "\"storage\":\"OK\",\"checkedAt\":\"2026-11-24T12:00:01Z\"},\"brakes\":{\"compute\":{"
                + "\"group\":\"compute\",\"engaged\":true,\"engagedAt\":\"2026-11-24T12:00:02Z\",\"lost\":3,"
                + "\"members\":4,\"reason\":\"3 of 4 members lost within 60 s\"}},\"refusedRegistrations\":{"
                + "\"compute/fake\":\"registration refused: address 'x\\nFAKE' is not a literal IP address\","
                + "\"compute/rlo\":\"registration refused: address '\\u202eDAED' is not a literal IP address\"}}");
        assertThat(run("detector")).isZero();
        assertThat(out.toString()).contains("instance    svc-1  (leader)", "epoch       7  since 2026-11-24T12:00:00Z",
                "judging     yes", "self-check  network OK; storage OK; checked 2026-11-24T12:00:01Z",
                "brake       compute ENGAGED since 2026-11-24T12:00:02Z: 3 of 4 members lost within 60 s",
                "refused     compute/fake: registration refused: address 'x\\nFAKE' is not a literal IP address",
                "refused     compute/rlo: registration refused: address '\\u202eDAED' is not a literal IP address");
        assertThat(out.toString()).as("a bidi override never reaches the terminal").doesNotContain("\u202e");
    }

    @Test
    void brakeReleaseDeletesAndNotEngagedIsOne() {
        stub.answer("DELETE /v1/groups/compute/brake", 200, "{\"group\":\"compute\",\"engaged\":false,"
                + "\"engagedAt\":\"2026-11-24T12:00:02Z\",\"lost\":3,\"members\":4,\"reason\":\"released\"}")
                .answer("DELETE /v1/groups/other/brake", 409, "{\"code\":409,\"message\":\"the brake of group "
                        + "'other' is not engaged\"}");
        assertThat(run("brake", "release", "compute")).isZero();
        assertThat(out.toString()).contains("compute: brake released (it engaged at 2026-11-24T12:00:02Z with 3 of 4");
        assertThat(run("brake", "release", "other")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("hostwatch brake release: error: the brake of group 'other' is not "
                + "engaged" + System.lineSeparator());
    }

    @Test
    void errorsAreOneLineWithTheirExitStatus() {
        stub.answer("GET /v1/groups/compute/members/gone", 404, "{\"code\":404,\"message\":\"unknown member "
                        + "compute/gone\"}")
                .answer("GET /v1/groups/compute/members/h1", 503, "<html>\nService Unavailable\n</html>");
        assertThat(run("member", "compute", "gone")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("hostwatch member: error: unknown member compute/gone"
                + System.lineSeparator());
        err.getBuffer().setLength(0);
        assertThat(run("member", "compute", "h1")).isEqualTo(3);
        assertThat(err.toString()).startsWith("hostwatch member: error: service at " + stub.url() + " is unavailable")
                .hasLineCount(1);
        err.getBuffer().setLength(0);
        assertThat(run("member", "compute", "Bad_name")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("hostwatch member: error: host name 'Bad_name' is not an RFC 1123 label "
                + "(letters, digits and inner hyphens only)" + System.lineSeparator());
        assertThat(run("members", "a..b")).isEqualTo(2);
        assertThat(stub.requests).hasSize(2);
    }

    @Test
    void serviceDownIsThreeAndVerboseAddsTheStackTrace() {
        String url = stub.url();
        stub.close();
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("members", "--url", url)).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("hostwatch members: error: service not reachable at " + url
                + " (connection refused)" + System.lineSeparator());
        err.getBuffer().setLength(0);
        commandLine = HostwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("detector", "--url", url, "--verbose")).isEqualTo(3);
        assertThat(err.toString()).contains("service not reachable", "\tat ");
        err.getBuffer().setLength(0);
        commandLine = HostwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("members", "--url", "ftp://x")).isEqualTo(2);
        assertThat(err.toString()).contains("is not an http:// or https:// URL");
    }
}
