package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.ChildJvm;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin CLI end to end: {@code java -jar client/target/hostwatch.jar VERB} as a child process
 * against a running service jar on a real ZooKeeper, with real agents; stdout, stderr and exit status.
 */
@Timeout(300)
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "4s";

    @TempDir
    static Path storage;
    static TestingServer zk;
    static ServiceProcess service;
    static final List<AgentProcess> AGENTS = new ArrayList<>();

    /** Exit status and output of one CLI run. */
    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        zk = ZooKeeperServers.start();
        service = ServiceProcess.start("service", zk.getConnectString(), storage, SESSION,
                Map.of("detection.recheckInterval", "2s", "brake.minMembers", "2"));
        Cluster.awaitLeader(service);
        agent("compute", "cli1");
        agent("compute", "cli2");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        AGENTS.forEach(AgentProcess::close);
        if (service != null) {
            service.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    private static AgentProcess agent(String group, String host) {
        AgentProcess a = AgentProcess.start(zk.getConnectString(), group, host, "127.0.0.1", storage, SESSION);
        AGENTS.add(a);
        // An agent JVM starting on a busy machine: the harness's 180 s.
        await(group + "/" + host + " RUNNING").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100))
                .until(() -> "RUNNING".equals(Rest.state(service.url(), group, host)));
        return a;
    }

    private static void awaitState(String group, String host, String state) {
        await(group + "/" + host + " " + state).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                .until(() -> state.equals(Rest.state(service.url(), group, host)));
    }

    private static ProcessBuilder cli(Map<String, String> env, List<String> args, Path out, Path err) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                ChildJvm.jar("hostwatch.clientJar").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("HOSTWATCH_URL");
        pb.environment().remove("HOSTWATCH_ZK");
        pb.environment().putAll(env);
        return pb;
    }

    private static Path logFile(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "cli-runs"));
        return Files.createTempFile(dir, name, ".txt");
    }

    /** Runs {@code hostwatch ARGS} to completion with {@code env} added to a clean environment. */
    private static Run hostwatchWith(Map<String, String> env, String... args) throws Exception {
        Path out = logFile("out");
        Path err = logFile("err");
        Process p = cli(env, List.of(args), out, err).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("hostwatch " + String.join(" ", args) + " did not finish within 60 s");
        }
        Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        System.out.printf("$ hostwatch %s%n%s%s[exit %d]%n", String.join(" ", args), run.out(), run.err(), run.exit());
        return run;
    }

    /** {@code hostwatch ARGS --url SERVICE}. */
    private static Run hostwatch(String... args) throws Exception {
        String[] withUrl = new String[args.length + 2];
        System.arraycopy(args, 0, withUrl, 0, args.length);
        withUrl[args.length] = "--url";
        withUrl[args.length + 1] = service.url();
        return hostwatchWith(Map.of(), withUrl);
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void membersTableAndJsonWithTheUrlFromTheEnvironment() throws Exception {
        Run table = hostwatchWith(Map.of("HOSTWATCH_URL", service.url()), "members");
        assertThat(table.exit()).isZero();
        assertThat(table.err()).isEmpty();
        assertThat(table.lines().get(0)).matches("GROUP +HOST +STATE +SINCE +REASON");
        assertThat(table.out()).containsPattern("(?m)^compute +cli1 +RUNNING +\\S+Z \\(\\d+[smhd] ago\\) +heartbeat "
                + "present").containsPattern("(?m)^compute +cli2 +RUNNING ");
        assertThat(table.out()).as("no colour without a terminal").doesNotContain("\u001b[");

        Run one = hostwatch("members", "compute", "--json");
        assertThat(one.exit()).isZero();
        JsonNode body = json(one.out());
        assertThat(body.path("group").asText()).isEqualTo("compute");
        assertThat(body.path("members").findValuesAsText("host")).contains("cli1", "cli2");

        Run all = hostwatch("members", "--json");
        assertThat(all.exit()).isZero();
        assertThat(json(all.out()).isArray()).isTrue();
        assertThat(json(all.out()).findValuesAsText("host")).contains("cli1", "cli2");
    }

    @Test
    void memberShowsTheVerdictWithEvidence() throws Exception {
        Run text = hostwatch("member", "compute", "cli1");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).startsWith("compute/cli1  RUNNING").contains("reason           heartbeat present",
                "address          127.0.0.1", "evidence:").containsPattern("heartbeat +OK +\\S+Z  heartbeat znode");
        Run raw = hostwatch("member", "compute", "cli1", "--json");
        assertThat(raw.exit()).isZero();
        assertThat(json(raw.out()).path("state").asText()).isEqualTo("RUNNING");
        assertThat(json(raw.out()).path("incarnation").asText()).isNotBlank();
    }

    @Test
    void historyShowsEveryTransitionNewestFirst() throws Exception {
        AgentProcess a = agent("hist", "h1");
        a.kill9();
        awaitState("hist", "h1", "SERVICE_UNREACHABLE");

        Run table = hostwatch("history", "hist", "h1");
        assertThat(table.exit()).isZero();
        assertThat(table.lines()).hasSize(4);
        assertThat(table.lines().get(0)).matches("WHEN +STATE +EPOCH +REASON");
        assertThat(table.lines().get(1)).matches("\\S+Z +SERVICE_UNREACHABLE +\\d+ +heartbeat lost and storage .*");
        assertThat(table.lines().get(2)).matches("\\S+Z +SUSPECT +\\d+ +heartbeat lost; probing.*");
        assertThat(table.lines().get(3)).matches("\\S+Z +RUNNING +\\d+ +heartbeat present.*");

        Run raw = hostwatch("history", "hist", "h1", "--json");
        JsonNode transitions = json(raw.out()).path("transitions");
        assertThat(transitions.findValuesAsText("state")).containsExactly("SERVICE_UNREACHABLE", "SUSPECT", "RUNNING");
        assertThat(transitions.get(0).path("evidence").path("storage").path("status").asText()).isEqualTo("STALE");

        Run one = hostwatch("history", "hist", "h1", "--limit", "1");
        assertThat(one.lines()).hasSize(2);
    }

    @Test
    void watchPrintsEachTransitionPromptly() throws Exception {
        Path out = logFile("watch-out");
        Path err = logFile("watch-err");
        Path jsonOut = logFile("watch-json");
        Path jsonErr = logFile("watch-json-err");
        List<String> textArgs = new ArrayList<>(List.of("watch", "--group", "watchgrp", "--members"));
        textArgs.addAll(Protection.readerArgs());
        Process text = cli(Map.of("HOSTWATCH_ZK", zk.getConnectString()), textArgs, out, err).start();
        List<String> jsonArgs = new ArrayList<>(List.of("watch", "--zk", zk.getConnectString(), "--json"));
        jsonArgs.addAll(Protection.readerArgs());
        Process json = cli(Map.of(), jsonArgs, jsonOut, jsonErr).start();
        try {
            // Both watchers are watching before anything happens, or the JSON one could miss the first event.
            await("watch started").atMost(Duration.ofSeconds(60)).until(() -> Files.readString(err)
                    .contains("hostwatch watch: watching") && Files.readString(jsonErr).contains("hostwatch watch: watching"));
            AgentProcess a = agent("watchgrp", "w1");
            awaitLine(out, "watchgrp/w1  new -> RUNNING");
            a.kill9();
            // With the evidence gathered before the loss (pre-probing) the final verdict follows SUSPECT within
            // milliseconds; a ZooKeeper watch is one-shot, so a watcher may see only the newer of two quick
            // writes. The final verdict must always arrive, promptly, and SUSPECT, when seen, before it.
            String line = awaitLine(out, "-> SERVICE_UNREACHABLE");
            assertThat(line).matches("\\S+Z  watchgrp/w1  (RUNNING|SUSPECT) -> SERVICE_UNREACHABLE .*");
            Instant published = Instant.parse(line.substring(0, line.indexOf(' ')));
            long lagMillis = Duration.between(published, Instant.now()).toMillis();
            System.out.printf("watch printed '%s' %d ms after the verdict was written%n", line, lagMillis);
            // Typically well under a second (printed above); the bound only catches a watcher that is stuck
            // or polling, not a JVM that a loaded machine kept off the CPU for a moment.
            assertThat(lagMillis).as("lag of the final verdict").isLessThan(10_000);
            assertThat(Files.readString(out)).contains("watchgrp/w1  left (heartbeat znode gone)");

            await("JSON events").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<JsonNode> events = new ArrayList<>();
                for (String l : Files.readAllLines(jsonOut)) {
                    events.add(json(l));
                }
                assertThat(events).filteredOn(e -> e.path("host").asText().equals("w1"))
                        .extracting(e -> e.path("to").asText())
                        .containsAnyOf("SUSPECT", "SERVICE_UNREACHABLE")
                        .startsWith("RUNNING").endsWith("SERVICE_UNREACHABLE")
                        .containsSubsequence("RUNNING", "SERVICE_UNREACHABLE")
                        .hasSizeBetween(2, 3);
            });

            text.destroy();
            assertThat(text.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(text.exitValue()).as("exit status after SIGTERM").isZero();
            System.out.printf("$ hostwatch watch --group watchgrp --members%n%s%s", Files.readString(out),
                    Files.readString(err));
        } finally {
            text.destroyForcibly();
            json.destroyForcibly();
            text.waitFor(10, TimeUnit.SECONDS);
            json.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String awaitLine(Path file, String fragment) {
        return await(fragment).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.readAllLines(file).stream().filter(l -> l.contains(fragment)).findFirst()
                        .orElse(null), l -> l != null);
    }

    @Test
    void maintenanceOnAndOff() throws Exception {
        Run on = hostwatch("maintenance", "compute", "cli2", "on", "--reason", "kernel upgrade", "--for", "2h");
        assertThat(on.exit()).isZero();
        assertThat(on.out()).matches("compute/cli2: maintenance on until \\S+Z \\(kernel upgrade\\), set by anonymous\\R");
        awaitState("compute", "cli2", "MAINTENANCE");
        assertThat(hostwatch("member", "compute", "cli2").out()).startsWith("compute/cli2  MAINTENANCE");
        assertThat(hostwatch("members", "compute").out()).containsPattern("(?m)^compute +cli2 +MAINTENANCE ");

        Run off = hostwatch("maintenance", "compute", "cli2", "off");
        assertThat(off.exit()).isZero();
        assertThat(off.out()).isEqualTo("compute/cli2: maintenance off" + System.lineSeparator());
        awaitState("compute", "cli2", "RUNNING");
        Run again = hostwatch("maintenance", "compute", "cli2", "off");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("hostwatch maintenance: error: member compute/cli2 is not in maintenance"
                + System.lineSeparator());
    }

    @Test
    void detectorShowsTheLeader() throws Exception {
        // A new leader judges only once a session timeout has passed since it took over: this test
        // may be the first to run, seconds after the service started.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> json(hostwatch("detector", "--json").out()).path("judging").asBoolean());
        Run text = hostwatch("detector");
        assertThat(text.exit()).isZero();
        assertThat(text.out()).containsPattern("(?m)^instance +\\S+ +\\(leader\\)$").containsPattern("(?m)^epoch +\\d+")
                .contains("judging     yes", "zookeeper   CONNECTED").containsPattern("(?m)^self-check +network ");
        Run raw = hostwatch("detector", "--json");
        assertThat(json(raw.out()).path("leader").asBoolean()).isTrue();
    }

    @Test
    void brakeShowsInDetectorAndIsReleased() throws Exception {
        List<AgentProcess> brk = List.of(agent("brk", "k1"), agent("brk", "k2"), agent("brk", "k3"));
        brk.get(0).kill9();
        brk.get(1).kill9();
        await("brake engaged").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                Rest.json(service.url() + "/v1/detector").path("brakes").path("brk").path("engaged")
                        .asBoolean());
        assertThat(hostwatch("detector").out()).containsPattern("(?m)^brake +brk ENGAGED since \\S+Z: 2 of 3 ");
        assertThat(hostwatch("brake", "show", "brk").out()).startsWith("brk: ENGAGED");
        Run release = hostwatch("brake", "release", "brk");
        assertThat(release.exit()).isZero();
        assertThat(release.out()).startsWith("brk: brake released (it engaged at ");
        Run again = hostwatch("brake", "release", "brk");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("is not engaged").hasLineCount(1);
    }

    @Test
    void errorsSayWhatWentWrongInOneLineWithTheirExitStatus() throws Exception {
        Run unknown = hostwatch("member", "compute", "nosuch");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).isEqualTo("hostwatch member: error: unknown member compute/nosuch"
                + System.lineSeparator());
        assertThat(hostwatch("history", "compute", "nosuch").exit()).isEqualTo(1);
        assertThat(hostwatch("members", "nosuchgroup").exit()).isEqualTo(1);

        Run badName = hostwatch("member", "compute", "Bad_name");
        assertThat(badName.exit()).isEqualTo(2);
        assertThat(badName.err()).isEqualTo("hostwatch member: error: host name 'Bad_name' is not an RFC 1123 label "
                + "(letters, digits and inner hyphens only)" + System.lineSeparator());
        assertThat(hostwatch("maintenance", "a..b", "h1", "on").exit()).isEqualTo(2);
        assertThat(hostwatch("history", "compute", "cli1", "--limit", "0").exit()).isEqualTo(2);

        String nobody = "http://127.0.0.1:" + ServiceProcess.freePort();
        Run down = hostwatchWith(Map.of("HOSTWATCH_URL", nobody), "members");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.err()).isEqualTo("hostwatch members: error: service not reachable at " + nobody
                + " (connection refused)" + System.lineSeparator());
        Run noZk = hostwatchWith(Map.of(), "watch", "--zk", "127.0.0.1:" + ServiceProcess.freePort(),
                "--connect-timeout", "2s");
        assertThat(noZk.exit()).isEqualTo(3);
        assertThat(noZk.err()).startsWith("hostwatch watch: error: ZooKeeper not reachable at").hasLineCount(1);

        Run help = hostwatchWith(Map.of(), "members", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Exit status:", "HOSTWATCH_URL");
        assertThat(hostwatchWith(Map.of()).exit()).isEqualTo(2);
    }
}
