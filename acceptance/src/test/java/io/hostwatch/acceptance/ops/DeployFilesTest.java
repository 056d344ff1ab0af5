package io.hostwatch.acceptance.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hostwatch.acceptance.harness.Privileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deployment files are checked by the tools that consume them: the alert rules by
 * {@code promtool check rules} and {@code promtool test rules} (Debian package {@code prometheus}),
 * the systemd units by {@code systemd-analyze verify} (package {@code systemd}; it needs no systemd
 * running as PID 1). Where a tool is missing the test skips, and under {@code CI=true} fails, as the
 * other tool-dependent tests do. The rules are also parsed here, so a family they name that the
 * service does not export is caught even without promtool.
 */
@Timeout(120)
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    private static final Path RULES = DEPLOY.resolve("prometheus/hostwatch-alerts.yml");
    private static final List<String> EXPORTED = List.of("hostwatch_members", "hostwatch_verdict_transitions_total",
            "hostwatch_detection_latency_seconds_bucket", "hostwatch_probe_duration_seconds_bucket",
            "hostwatch_probe_duration_seconds_count",
            "hostwatch_brake_engaged", "hostwatch_leader", "hostwatch_leader_epoch", "hostwatch_zookeeper_connected",
            "hostwatch_nova_actions_total", "hostwatch_fencing_actions_total",
            "hostwatch_fencing_duration_seconds_bucket", "hostwatch_build_info", "up");

    private record Run(int exit, String output) {
    }

    private static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Run(p.exitValue(), out);
    }

    private static void requireTool(String tool, String debianPackage) {
        if (Privileges.onPath(tool)) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("this test needs '" + tool + "' (Debian package " + debianPackage + "), and CI=true");
        }
        assumeTrue(false, "skipped: '" + tool + "' is not installed (Debian package " + debianPackage + ")");
    }

    @Test
    void alertRulesPassPromtool() throws Exception {
        requireTool("promtool", "prometheus");
        Run check = run(RULES.getParent(), "promtool", "check", "rules", RULES.getFileName().toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
        Run test = run(RULES.getParent(), "promtool", "test", "rules", "hostwatch-alerts-test.yml");
        assertThat(test.exit()).as(test.output()).isZero();
    }

    @Test
    void alertRulesNameOnlyExportedFamiliesAndCarryASeverity() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
        List<String> alerts = new ArrayList<>();
        Pattern family = Pattern.compile("\\b(hostwatch_[a-z_]+|up)\\b");
        for (JsonNode group : doc.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                assertThat(alert).as("every rule is an alert").isNotEmpty();
                alerts.add(alert);
                assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("warning", "critical");
                assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
                Matcher m = family.matcher(rule.path("expr").asText());
                boolean any = false;
                while (m.find()) {
                    any = true;
                    assertThat(EXPORTED).as(alert + " names " + m.group(1)).contains(m.group(1));
                }
                assertThat(any).as(alert + " uses a hostwatch family").isTrue();
            }
        }
        assertThat(alerts).contains("HostwatchNoLeader", "HostwatchMemberDead", "HostwatchBrakeEngaged",
                "HostwatchZooKeeperDisconnected");
    }

    @Test
    void systemdUnitsVerifyAndCarryTheHardening() throws Exception {
        requireTool("systemd-analyze", "systemd");
        for (String unit : List.of("hostwatch-agent.service", "hostwatch-service.service")) {
            Path file = DEPLOY.resolve("systemd").resolve(unit);
            String text = Files.readString(file);
            assertThat(text).contains("User=hostwatch", "Restart=always", "AmbientCapabilities=CAP_NET_RAW",
                    "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=", "StateDirectory=hostwatch",
                    "ProtectHome=yes", "PrivateTmp=yes");
            // systemd-analyze exits 0 even for a line it ignores: any complaint naming the unit fails.
            Run verify = run(file.getParent(), "systemd-analyze", "verify", "--man=no", "./" + unit);
            List<String> complaints = verify.output().lines().filter(l -> l.contains(unit)).toList();
            assertThat(complaints).as("systemd-analyze verify %s:%n%s", unit, verify.output()).isEmpty();
            assertThat(verify.exit()).as(verify.output()).isZero();
        }
    }

    @Test
    void aBrokenUnitIsCaught() throws Exception {
        requireTool("systemd-analyze", "systemd");
        Path dir = Files.createTempDirectory("hostwatch-unit");
        try {
            Path bad = dir.resolve("hostwatch-broken.service");
            Files.writeString(bad, "[Service]\nExecStart=/bin/true\nRestart=sometimes\n");
            Run verify = run(dir, "systemd-analyze", "verify", "--man=no", "./hostwatch-broken.service");
            assertThat(verify.output()).contains("hostwatch-broken.service");
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
