package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.ChildJvm;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.service.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrollment on real processes in protected mode: an agent with a valid certificate that is not
 * enrolled is refused with a clear message and registers nothing, and registers by itself once
 * {@code hostwatch enroll} lets it in (single host and inventory); a host's certificate cannot
 * register another host.
 */
@Timeout(300)
class EnrollmentIT {
    private static final String SESSION = "4s";

    @TempDir
    Path storage;

    @Test
    void onlyAnEnrolledHostRegistersAndOnlyWithItsOwnCertificate() throws Exception {
        Assumptions.assumeTrue(Protection.ON, "enrollment is enforced in protected mode only");
        TestPki pki = TestPki.get("newhost", "inv1", "inv2", "thief");
        try (TestingServer zk = ZooKeeperServers.start();
             ServiceProcess service = ServiceProcess.start("service-enroll", zk.getConnectString(), storage, SESSION,
                     Map.of("detection.recheckInterval", "2s"))) {
            Cluster.awaitLeader(service);

            try (AgentProcess waiting = agent(zk, "newhost", pki.host("newhost"))) {
                await("refused as not enrolled").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                        .failFast("agent exited", () -> !waiting.isAlive())
                        .until(() -> waiting.output().contains("host newhost is not enrolled in group compute"));
                assertThat(waiting.output()).contains("hostwatch enroll compute newhost");
                assertThat(Rest.get(service.url() + "/v1/groups/compute/members/newhost").status()).isEqualTo(404);

                Run enrolled = hostwatch(service, "enroll", "compute", "newhost");
                assertThat(enrolled.exit()).isZero();
                assertThat(enrolled.out()).contains("compute/newhost: enrolled for CN=newhost,OU=hosts,O=hostwatch");
                assertThat(hostwatch(service, "enroll", "compute", "newhost").out()).contains("already enrolled");
                await("newhost RUNNING once enrolled").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> "RUNNING".equals(Rest.state(service.url(), "compute", "newhost")));
            }

            Path inventory = storage.resolve("inventory.txt");
            Files.writeString(inventory, "# two more\ninv1\ncompute inv2\n", StandardCharsets.UTF_8);
            Run bulk = hostwatch(service, "enroll", "--inventory", inventory.toString());
            assertThat(bulk.exit()).isZero();
            assertThat(bulk.out()).contains("compute/inv1: enrolled").contains("compute/inv2: enrolled");
            assertThat(Rest.get(service.url() + "/v1/groups/compute/members/inv2/enrollment").status()).isEqualTo(200);
            assertThat(Rest.get(service.url() + "/v1/groups/compute/members/nobody/enrollment").status())
                    .isEqualTo(404);

            try (AgentProcess impostor = agent(zk, "inv1", pki.host("thief"), "--registration-wait", "2s")) {
                await("the thief's attempt fails").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                        .failFast("agent exited", () -> !impostor.isAlive())
                        .until(() -> impostor.output().contains("registration not possible yet"));
                assertThat(impostor.output()).contains("/hostwatch/members/compute/inv1/heartbeat");
                assertThat(Rest.get(service.url() + "/v1/groups/compute/members/inv1").status())
                        .as("thief's certificate cannot register inv1").isEqualTo(404);
            }
        }
    }

    private AgentProcess agent(TestingServer zk, String host, Path keyStore, String... extra) {
        TestPki pki = TestPki.get();
        List<String> args = new ArrayList<>(List.of("--zk-tls-keystore", keyStore.toString(), "--zk-tls-truststore",
                pki.truststore().toString(), "--zk-tls-password-file", pki.passwordFile().toString()));
        args.addAll(List.of(extra));
        return AgentProcess.start(zk.getConnectString(), "compute", host, "127.0.0.1", storage, SESSION,
                args.toArray(String[]::new));
    }

    record Run(int exit, String out) {
    }

    private Run hostwatch(ServiceProcess service, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
                ChildJvm.jar("hostwatch.clientJar").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--url", service.url()));
        Path out = Files.createTempFile(storage, "cli", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("hostwatch " + String.join(" ", args) + " did not finish within 60 s");
        }
        Run run = new Run(p.exitValue(), Files.readString(out));
        System.out.printf("$ hostwatch %s%n%s[exit %d]%n", String.join(" ", args), run.out(), run.exit());
        return run;
    }
}
