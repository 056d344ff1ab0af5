package io.hostwatch.acceptance.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.acceptance.netns.FaultFigures.Kind;
import io.hostwatch.acceptance.netns.Scenario.Member;
import io.hostwatch.service.nova.OpenStackStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6 on real hosts: a member host loses power → the detector publishes {@code DEAD},
 * actionable → once its {@code safeToRecoverAt} has passed, the leader forces the host's
 * {@code nova-compute} service down, exactly once, at the OpenStack contract stub.
 *
 * <p>Same lab as {@link FaultMatrixIT} (lab {@code t}, 198.18.0.0/24: the lab's lock makes them
 * take turns). The {@link OpenStackStub} (Keystone, Nova, Masakari; from the service module's
 * test-jar) runs in this JVM on 127.0.0.1 and records every call. The service process runs in the
 * root namespace with {@code nova.enabled}, Keystone at the stub, its password from an environment
 * variable ({@code {env: ...}}), and the suffix mapping {@code victim} →
 * {@code victim.cloud.example.com}. A victim and a peer, each a namespace with a real agent, each
 * with a {@code nova-compute} service registered at the stub.
 *
 * <p>The agents declare an isolation response (a no-op, with a short {@code fence-after}): the
 * self-fence deadline it implies puts the {@code DEAD} verdict's {@code safeToRecoverAt} several
 * seconds after its publication, so "no call before {@code safeToRecoverAt}" is seen on real hosts
 * too. The fault is the one of {@link FaultMatrixIT#hostPowerLoss()}: the bridge port goes down and
 * the agent is killed with {@code kill -9}.
 */
@Timeout(120)
class NovaPowerLossIT {
    static final Duration SESSION = FaultMatrixIT.SESSION;
    static final String SUFFIX = ".cloud.example.com";
    static final String PASSWORD_VARIABLE = "HOSTWATCH_KEYSTONE_PASSWORD";
    /** Reconcile passes during the quiet period after the force-down: none may call Nova again. */
    static final Duration RECONCILE = Duration.ofSeconds(2);
    static final Duration QUIET = RECONCILE.multipliedBy(3);
    /** From safeToRecoverAt to the action DONE: one Keystone token and two Nova calls, on loopback. */
    static final Duration ACTION_BOUND = Duration.ofSeconds(20);
    static final Path DIR = Path.of("target", "nova-power-loss").toAbsolutePath();
    static final Path STORAGE = DIR.resolve("storage");

    static NetnsLab lab;
    static TestingServer zk;
    static OpenStackStub stub;
    static ServiceProcess service;
    static Scenario.Testbed bed;
    static JarSnapshot jars;

    @BeforeAll
    static void startLab() throws Exception {
        Privileges.requireRootWith("ip", "nft");
        jars = JarSnapshot.take("nova-power-loss");
        JarSnapshot.emptyDir(STORAGE);
        lab = NetnsLab.open("t", 0);
        NetnsHost gateway = lab.addGateway();
        zk = ZooKeeperServers.start();
        lab.onClose(zk);
        stub = OpenStackStub.start();
        lab.onClose(stub);
        service = ServiceProcess.startIn(List.of("env", PASSWORD_VARIABLE + "=" + OpenStackStub.PASSWORD),
                "service-nova", serviceConfig(), zk.getConnectString(), STORAGE, SESSION.toSeconds() + "s",
                Map.of("detection.recheckInterval", FaultMatrixIT.RECHECK.toSeconds() + "s",
                        "detection.isolationAddresses", gateway.address()));
        lab.adopt(service);
        JarSnapshot.awaitJudging(service, SESSION);
        bed = new Scenario.Testbed(lab, lab.rootAddress() + ":" + zk.getPort(), STORAGE, service.url(), SESSION,
                List.of("--isolation-address", gateway.address(), "--isolation-response", "true",
                        "--fence-after", "2s", "--isolation-response-timeout", "2s"),
                new FaultFigures(SESSION));
    }

    /**
     * The Nova part of the configuration, as an operator writes it: the secret as {@code {env: ...}}
     * (a {@code -Ddw.} override cannot create a secret source), Keystone and everything it lists on
     * loopback.
     */
    private static Path serviceConfig() throws IOException {
        String yaml = """
                server:
                  applicationConnectors: [{type: http}]
                  adminConnectors: [{type: http}]
                nova:
                  enabled: true
                  hostSuffix: "%s"
                  connectTimeout: 2s
                  requestTimeout: 5s
                  retryInitialDelay: 500ms
                  retryMaxDelay: 2s
                  reconcileInterval: %ds
                keystone:
                  authUrl: "%s"
                  username: %s
                  password: {env: %s}
                  projectName: %s
                  interface: internal
                  region: %s
                """.formatted(SUFFIX, RECONCILE.toSeconds(), stub.authUrl(), OpenStackStub.USER, PASSWORD_VARIABLE,
                OpenStackStub.PROJECT, OpenStackStub.REGION);
        return Files.writeString(DIR.resolve("hostwatch-nova.yml"), yaml);
    }

    @AfterAll
    static void stopLab() {
        try {
            if (lab != null) {
                lab.close();
            }
        } finally {
            if (jars != null) {
                jars.close();
            }
        }
    }

    @Test
    void powerLossForcesTheHostDownInNovaOnce() {
        try (Scenario s = Scenario.start(bed, "nova", 1, 1)) {
            Member victim = s.victim();
            Member peer = s.peers().get(0);
            String victimService = stub.compute.addService(victim.host() + SUFFIX);
            String peerService = stub.compute.addService(peer.host() + SUFFIX);
            assertThat(member(s, victim.host()).path("nova").path("state").asText()).as("before the fault")
                    .isEqualTo("NONE");

            s.watcher().poweredOff(victim.host());
            JsonNode dead = s.step("host power loss: link down + `kill -9`", "DEAD", Kind.FAULT, () -> {
                victim.net().pullCable();
                victim.agent().kill9();
            }, FaultMatrixIT.LOSING);
            Instant deadSeen = Instant.now();
            assertThat(dead.path("actionable").asBoolean()).as("DEAD with the brake not engaged: " + dead).isTrue();
            assertThat(dead.path("safeToRecoverAt").asText()).as(dead.toString()).isNotBlank();
            Instant safeToRecoverAt = Instant.parse(dead.path("safeToRecoverAt").asText());
            System.out.printf("[nova-power-loss] %s/%s DEAD, actionable; safeToRecoverAt %d ms after it was seen%n",
                    s.group(), victim.host(), Duration.between(deadSeen, safeToRecoverAt).toMillis());

            try {
                await("nova DONE").atMost(Duration.between(Instant.now(), safeToRecoverAt).plus(ACTION_BOUND))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> "DONE".equals(member(s, victim.host()).path("nova").path("state").asText()));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the force-down did not complete (member " + member(s, victim.host())
                        + ", stub calls " + stub.calls() + ")\nservice log:\n" + Scenario.tail(service.output()), e);
            }
            // Reconcile passes go on: none of them may call Nova again.
            dwell(QUIET);

            List<OpenStackStub.Call> forcedDown = stub.forcedDownCalls(true);
            assertThat(forcedDown).as("force-down PUTs at the stub (all calls: %s)", stub.calls()).hasSize(1);
            OpenStackStub.Call put = forcedDown.get(0);
            assertThat(put.path).endsWith("/compute/v2.1/os-services/" + victimService);
            assertThat(put.status).as(put.toString()).isEqualTo(200);
            assertThat(put.at).as("the PUT came after safeToRecoverAt " + safeToRecoverAt)
                    .isAfterOrEqualTo(safeToRecoverAt);
            assertThat(put.json().path("status").asText()).isEqualTo("disabled");
            assertThat(put.json().path("disabled_reason").asText()).contains("DEAD");
            assertThat(stub.compute.service(victimService).forcedDown).isTrue();
            assertThat(stub.forcedDownCalls(false)).as("no force-up").isEmpty();

            assertThat(stub.calls(c -> c.path.contains(peerService)
                    || (c.query != null && c.query.contains(peer.host())))).as("no call about the peer").isEmpty();
            assertThat(stub.compute.service(peerService).forcedDown).isFalse();
            assertThat(stub.compute.service(peerService).status).isEqualTo("enabled");
            assertThat(member(s, peer.host()).path("nova").path("state").asText()).as("peer").isEqualTo("NONE");

            JsonNode v = member(s, victim.host());
            JsonNode nova = v.path("nova");
            assertThat(v.path("state").asText()).as("verdict fields stay at the top level").isEqualTo("DEAD");
            assertThat(nova.path("state").asText()).as(nova.toString()).isEqualTo("DONE");
            assertThat(nova.path("action").asText()).isEqualTo("FORCE_DOWN");
            assertThat(nova.path("novaHost").asText()).isEqualTo(victim.host() + SUFFIX);
            assertThat(nova.path("serviceId").asText()).isEqualTo(victimService);
            assertThat(nova.path("incarnation").asText()).isEqualTo(dead.path("incarnation").asText());
            assertThat(stub.calls(c -> c.path.endsWith("/auth/tokens") && c.status == 201))
                    .as("Keystone accepted the password from the environment").isNotEmpty();
            assertThat(service.output()).as("the service log never shows the password")
                    .doesNotContain(OpenStackStub.PASSWORD);
            System.out.printf("[nova-power-loss] %s/%s forced down %d ms after safeToRecoverAt; stub calls %s%n",
                    s.group(), victim.host(), Duration.between(safeToRecoverAt, put.at).toMillis(), stub.calls());
            s.finish();
        }
    }

    private static JsonNode member(Scenario s, String host) {
        Rest.Reply r = Rest.get(bed.url() + "/v1/groups/" + s.group() + "/members/" + host);
        assertThat(r.status()).as("GET member %s: %s", host, r.raw()).isEqualTo(200);
        return r.body();
    }

    private static void dwell(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
