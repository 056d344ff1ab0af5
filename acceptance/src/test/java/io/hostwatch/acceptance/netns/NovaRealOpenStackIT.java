package io.hostwatch.acceptance.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.acceptance.netns.FaultFigures.Kind;
import io.hostwatch.acceptance.netns.Scenario.Member;
import io.hostwatch.acceptance.openstack.OpenStackAdmin;
import io.hostwatch.acceptance.openstack.OpenStackTestbed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * hostwatch's service and real agents in network namespaces against the <em>real</em> Keystone,
 * Nova API and Masakari API + engine of {@code deploy/openstack/testbed.sh}: one bed, one lab, one
 * ZooKeeper; the service is restarted with another identity between the tests.
 *
 * <p>What is checked is what the real services say: Nova's {@code os-services}, Masakari's
 * notifications and segment hosts, and the bed's request logs (one line per request, with the
 * caller's user agent, so hostwatch's calls are told from Masakari's engine's).
 *
 * <p>With {@code -Dhostwatch.openstack.cli=true} the first test prints what an operator sees in
 * {@code openstack compute service list} and {@code openstack notification list} at each step
 * (docs/nova.md quotes a run).
 */
@Timeout(900)
class NovaRealOpenStackIT {
    static final Duration SESSION = FaultMatrixIT.SESSION;
    static final String PASSWORD_VARIABLE = "HOSTWATCH_KEYSTONE_SECRET";
    /** From safeToRecoverAt to the action DONE, on a busy machine where each bed call can take seconds. */
    static final Duration ACTION_BOUND = Duration.ofSeconds(90);
    /** Masakari's engine from a notification to {@code finished} (its waits are seconds in the bed). */
    static final Duration ENGINE_BOUND = Duration.ofSeconds(120);
    static final Path DIR = Path.of("target", "nova-real-openstack").toAbsolutePath();
    static final Path STORAGE = DIR.resolve("storage");

    static OpenStackTestbed.Facts openstack;
    static OpenStackAdmin admin;
    static NetnsLab lab;
    static TestingServer zk;
    static JarSnapshot jars;
    static String gatewayAddress;
    ServiceProcess service;

    @BeforeAll
    static void startLab() throws Exception {
        Privileges.requireRootWith("ip", "nft");
        openstack = OpenStackTestbed.ensureUp();
        admin = new OpenStackAdmin(openstack);
        // Nova services and Masakari segment hosts for the hosts of every test (suffix = the test's own).
        OpenStackTestbed.addHosts("victim.a.hw", "peer1.a.hw", "victim.b.hw", "peer1.b.hw", "victim.c.hw",
                "peer1.c.hw");
        jars = JarSnapshot.take("nova-real-openstack");
        JarSnapshot.emptyDir(STORAGE);
        lab = NetnsLab.open("t", 0);
        gatewayAddress = lab.addGateway().address();
        zk = ZooKeeperServers.start();
        lab.onClose(zk);
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

    @AfterEach
    void stopService() {
        if (service != null) {
            service.terminate(10);
            service.close();
            service = null;
        }
    }

    /**
     * Password auth, Masakari from the catalog (URL with the project id), {@code reenable} and
     * {@code clearMaintenanceOnForceUp}: power loss → one force-down after safeToRecoverAt and a
     * notification the engine finishes; recovery → re-enable and force-up (quick although Nova
     * calls an "up" compute synchronously on enable) and on_maintenance cleared; tokens revoked →
     * one re-authentication; a second power loss of the same host → handled again.
     */
    @Test
    void powerLossRecoveryAndASecondFailureOfTheSameHost() throws Exception {
        service = startService("a", """
                keystone:
                  authUrl: "%s"
                  username: %s
                  password: {env: %s}
                  projectName: %s
                  region: RegionOne
                masakari:
                  enabled: true
                  clearMaintenanceOnForceUp: true
                """.formatted(openstack.authUrl(), openstack.serviceUser(), PASSWORD_VARIABLE, openstack.project()),
                openstack.servicePassword(), true);
        Scenario.Testbed bed = testbed(service);
        try (Scenario s = Scenario.start(bed, "real", 1, 1)) {
            Member victim = s.victim();
            String novaHost = victim.host() + ".a.hw";
            String serviceId = admin.computeService(novaHost).path("id").asText();
            admin.setMaintenance(novaHost, false); // a bed reused from an earlier run may have left it on

            // 1. Power loss.
            Instant start = Instant.now();
            JsonNode dead = powerLoss(s, victim);
            Instant safe = Instant.parse(dead.path("safeToRecoverAt").asText());
            JsonNode nova = awaitNova(s, victim.host(), n -> "DONE".equals(n.path("state").asText())
                    && !"PENDING".equals(n.path("masakari").asText()), "force-down and Masakari notification");
            List<OpenStackAdmin.Request> puts = hostwatchPuts(serviceId, start);
            assertThat(puts).as("hostwatch's PUTs of %s in Nova's log", serviceId).hasSize(1);
            assertThat(puts.get(0).status()).isEqualTo(200);
            assertThat(puts.get(0).at()).as("Nova saw the force-down after safeToRecoverAt " + safe)
                    .isAfterOrEqualTo(safe.minusMillis(999)); // uwsgi logs the end of the request, in ms
            JsonNode down = admin.computeService(novaHost);
            assertThat(down.path("forced_down").asBoolean()).as(down.toString()).isTrue();
            assertThat(down.path("status").asText()).isEqualTo("disabled");
            assertThat(down.path("state").asText()).isEqualTo("down");
            assertThat(nova.path("masakari").asText()).as(nova.toString()).isEqualTo("ACCEPTED");
            String notificationId = nova.path("notification").path("notificationId").asText();
            assertThat(notificationId).isNotBlank();
            awaitFinished(notificationId);
            assertThat(admin.segmentHost(novaHost).path("on_maintenance").asBoolean())
                    .as("Masakari's engine leaves the host on maintenance").isTrue();
            operatorView("after the force-down and Masakari's recovery", novaHost);
            assertThat(hostwatchPuts(serviceId, start)).as("still one force-down after the reconcile passes").hasSize(1);

            // 2. Recovery: the cable back, a new agent (a new incarnation).
            AgentProcess again = restartAgent(s, bed, victim);
            try {
                Instant upStart = Instant.now();
                JsonNode up = awaitNova(s, victim.host(), n -> "FORCE_UP".equals(n.path("action").asText())
                        && "DONE".equals(n.path("state").asText())
                        && !"PENDING".equals(n.path("masakari").asText()), "force-up");
                assertThat(up.path("attempts").asInt()).as("re-enable and force-up in one attempt: " + up).isEqualTo(1);
                assertThat(up.path("masakari").asText()).as(up.toString()).isEqualTo("CLEARED");
                JsonNode back = admin.computeService(novaHost);
                assertThat(back.path("forced_down").asBoolean()).as(back.toString()).isFalse();
                assertThat(back.path("status").asText()).isEqualTo("enabled");
                assertThat(back.path("state").asText()).isEqualTo("up");
                assertThat(admin.segmentHost(novaHost).path("on_maintenance").asBoolean()).isFalse();
                List<OpenStackAdmin.Request> upPuts = hostwatchPuts(serviceId, upStart);
                assertThat(upPuts).as("enable, then force-up").hasSize(2).allMatch(r -> r.status() == 200);
                operatorView("after the recovery", novaHost);

                // 3. Tokens revoked, then a second power loss of the same host.
                admin.revokeTokensOf(openstack.serviceUser());
                long authBefore = counter("hostwatch.keystone.authentications");
                long reauthBefore = counter("hostwatch.openstack.reauthentications");
                Instant second = Instant.now();
                JsonNode dead2 = powerLossAgain(s, victim, again);
                assertThat(dead2.path("incarnation").asText()).isNotEqualTo(dead.path("incarnation").asText());
                JsonNode nova2 = awaitNova(s, victim.host(), n -> "FORCE_DOWN".equals(n.path("action").asText())
                        && dead2.path("incarnation").asText().equals(n.path("incarnation").asText())
                        && "DONE".equals(n.path("state").asText())
                        && !"PENDING".equals(n.path("masakari").asText()), "second force-down");
                assertThat(counter("hostwatch.keystone.authentications")).as("one authentication after the revocation")
                        .isEqualTo(authBefore + 1);
                assertThat(counter("hostwatch.openstack.reauthentications")).isEqualTo(reauthBefore + 1);
                assertThat(admin.requests("nova-api", r -> r.fromHostwatch() && r.status() == 401
                        && r.uri().contains(novaHost) && !r.at().isBefore(second)))
                        .as("Nova refused the revoked token once").hasSize(1);
                assertThat(hostwatchPuts(serviceId, second)).hasSize(1);
                JsonNode step = nova2.path("notification");
                System.out.printf("[nova-real] second failure: Masakari %s after %d request(s): %s%n",
                        nova2.path("masakari").asText(), step.path("attempts").asInt(), step);
                assertThat(nova2.path("masakari").asText()).as("the second failure is a new one for Masakari: "
                        + nova2).isEqualTo("ACCEPTED");
                assertThat(step.path("notificationId").asText()).isNotEqualTo(notificationId);
                awaitFinished(step.path("notificationId").asText());
            } finally {
                again.kill9();
                again.close();
            }
        }
    }

    /**
     * An application credential, and Debian 12's Masakari as packaged (it answers 500 to every
     * notification): Nova's force-down completes at once and is never repeated; the Masakari step
     * stays PENDING with Masakari's answer and is retried on its own.
     */
    @Test
    void applicationCredentialAndAMasakariAnswering500() throws Exception {
        service = startService("b", """
                keystone:
                  authUrl: "%s"
                  authType: application_credential
                  applicationCredentialId: %s
                  applicationCredentialSecret: {env: %s}
                  region: regionOne
                masakari:
                  enabled: true
                  endpointOverride: "%s/%s"
                """.formatted(openstack.authUrl(), openstack.appCredentialId(), PASSWORD_VARIABLE,
                openstack.get("HW_MASAKARI_DEBIAN_URL"), openstack.get("HW_PROJECT_ID")),
                openstack.appCredentialSecret(), false);
        Scenario.Testbed bed = testbed(service);
        try (Scenario s = Scenario.start(bed, "real", 2, 1)) {
            Member victim = s.victim();
            String novaHost = victim.host() + ".b.hw";
            String serviceId = admin.computeService(novaHost).path("id").asText();
            Instant start = Instant.now();
            powerLoss(s, victim);
            JsonNode nova = awaitNova(s, victim.host(), n -> "DONE".equals(n.path("state").asText())
                    && n.path("notification").path("attempts").asInt() >= 3, "force-down and 3 Masakari attempts");
            assertThat(nova.path("masakari").asText()).as(nova.toString()).isEqualTo("PENDING");
            assertThat(nova.path("notification").path("reason").asText()).contains("500");
            assertThat(nova.path("notification").path("nextAttemptAt").asText()).isNotBlank();
            assertThat(nova.path("attempts").asInt()).as("Nova's calls were not repeated: " + nova).isEqualTo(1);
            assertThat(hostwatchPuts(serviceId, start)).as("one force-down in Nova's log").hasSize(1);
            assertThat(admin.requests("masakari-api-debian", r -> r.fromHostwatch() && r.status() == 500
                    && !r.at().isBefore(start))).hasSizeGreaterThanOrEqualTo(3);
            JsonNode down = admin.computeService(novaHost);
            assertThat(down.path("forced_down").asBoolean()).isTrue();
            System.out.printf("[nova-real] Masakari answering 500: member nova %s%n", nova);
        }
    }

    /**
     * A user without the role os-services needs ({@code hw-reader}): the force-down FAILS with
     * Nova's 403 as its reason, Masakari is not told, and Nova is untouched.
     */
    @Test
    void aUserWithoutTheRoleFailsWithTheReasonAndLeavesNovaUntouched() throws Exception {
        service = startService("c", """
                keystone:
                  authUrl: "%s"
                  username: hw-reader
                  password: {env: %s}
                  projectName: %s
                  region: regionOne
                masakari:
                  enabled: true
                """.formatted(openstack.authUrl(), PASSWORD_VARIABLE, openstack.project()),
                openstack.passwordOf("hw-reader"), false);
        Scenario.Testbed bed = testbed(service);
        try (Scenario s = Scenario.start(bed, "real", 3, 1)) {
            Member victim = s.victim();
            String novaHost = victim.host() + ".c.hw";
            String serviceId = admin.computeService(novaHost).path("id").asText();
            Instant start = Instant.now();
            powerLoss(s, victim);
            JsonNode nova = awaitNova(s, victim.host(), n -> "FAILED".equals(n.path("state").asText()), "FAILED");
            assertThat(nova.path("lastError").asText()).as(nova.toString()).contains("403")
                    .contains("Policy doesn't allow os_compute_api:os-services:list to be performed.");
            assertThat(nova.path("masakari").asText()).isEqualTo("NOT_SENT");
            assertThat(hostwatchPuts(serviceId, start)).as("no PUT").isEmpty();
            JsonNode untouched = admin.computeService(novaHost);
            assertThat(untouched.path("forced_down").asBoolean()).isFalse();
            assertThat(untouched.path("status").asText()).isEqualTo("enabled");
            System.out.printf("[nova-real] no role: member nova %s%n", nova);
        }
    }

    // ------------------------------------------------------------------------------------------

    private ServiceProcess startService(String suffix, String openstackYaml, String secret, boolean reenable)
            throws IOException {
        Files.createDirectories(DIR);
        String yaml = """
                server:
                  applicationConnectors: [{type: http}]
                  adminConnectors: [{type: http}]
                nova:
                  enabled: true
                  hostSuffix: ".%s.hw"
                  reenable: %s
                  connectTimeout: 5s
                  requestTimeout: 45s
                  retryInitialDelay: 1s
                  retryMaxDelay: 4s
                  reconcileInterval: 2s
                """.formatted(suffix, reenable) + openstackYaml;
        Path config = Files.writeString(DIR.resolve("hostwatch-" + suffix + ".yml"), yaml);
        ServiceProcess p = ServiceProcess.startIn(List.of("env", PASSWORD_VARIABLE + "=" + secret), "service-" + suffix,
                config, zk.getConnectString(), STORAGE, SESSION.toSeconds() + "s",
                Map.of("detection.recheckInterval", FaultMatrixIT.RECHECK.toSeconds() + "s",
                        "detection.isolationAddresses", gatewayAddress));
        lab.adopt(p);
        JarSnapshot.awaitJudging(p, SESSION);
        return p;
    }

    private Scenario.Testbed testbed(ServiceProcess p) {
        return new Scenario.Testbed(lab, lab.rootAddress() + ":" + zk.getPort(), STORAGE, p.url(), SESSION,
                List.of("--isolation-address", gatewayAddress, "--isolation-response", "true",
                        "--fence-after", "2s", "--isolation-response-timeout", "2s"),
                new FaultFigures(SESSION));
    }

    private static JsonNode powerLoss(Scenario s, Member victim) {
        s.watcher().poweredOff(victim.host());
        JsonNode dead = s.step("host power loss: link down + `kill -9`", "DEAD", Kind.FAULT, () -> {
            victim.net().pullCable();
            victim.agent().kill9();
        }, FaultMatrixIT.LOSING);
        assertThat(dead.path("actionable").asBoolean()).as(dead.toString()).isTrue();
        assertThat(dead.path("safeToRecoverAt").asText()).isNotBlank();
        return dead;
    }

    private JsonNode powerLossAgain(Scenario s, Member victim, AgentProcess agent) {
        victim.net().pullCable();
        agent.kill9();
        await("second DEAD").atMost(SESSION.plusSeconds(40)).pollInterval(Duration.ofMillis(100))
                .until(() -> "DEAD".equals(member(s, victim.host()).path("state").asText()));
        return member(s, victim.host());
    }

    private AgentProcess restartAgent(Scenario s, Scenario.Testbed bed, Member victim) {
        victim.net().plugCable();
        AgentProcess agent = AgentProcess.startIn(victim.net().exec(), bed.memberZk(), s.group(), victim.host(),
                victim.net().address(), bed.storage(), SESSION.toSeconds() + "s",
                bed.agentArgs().toArray(String[]::new));
        await("victim RUNNING again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> "RUNNING".equals(member(s, victim.host()).path("state").asText()));
        return agent;
    }

    private JsonNode awaitNova(Scenario s, String host, Predicate<JsonNode> done, String what) {
        try {
            await(what).atMost(ACTION_BOUND.plus(SESSION)).pollInterval(Duration.ofMillis(250))
                    .until(() -> done.test(member(s, host).path("nova")));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " did not complete: member " + member(s, host) + "\nservice log:\n"
                    + Scenario.tail(service.output()), e);
        }
        return member(s, host).path("nova");
    }

    private static void awaitFinished(String notificationId) {
        await("Masakari notification " + notificationId + " finished").atMost(ENGINE_BOUND)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> "finished".equals(admin.notification(notificationId).path("status").asText()));
    }

    private static List<OpenStackAdmin.Request> hostwatchPuts(String serviceId, Instant since) {
        return admin.requests("nova-api", r -> r.fromHostwatch() && "PUT".equals(r.method())
                && r.uri().endsWith("/os-services/" + serviceId) && !r.at().isBefore(since.minusMillis(999)));
    }

    /** A counter of the service's metrics (admin port): its own calls, whoever else uses the bed. */
    private long counter(String name) {
        Rest.Reply r = Rest.get(service.adminUrl() + "/metrics.json");
        assertThat(r.status()).as("GET /metrics.json: %s", r.raw()).isEqualTo(200);
        return r.body().path("counters").path(name).path("count").asLong();
    }

    private static void operatorView(String when, String novaHost) {
        if (!Boolean.getBoolean("hostwatch.openstack.cli")) {
            return; // a few seconds per CLI call: only when asked (-Dhostwatch.openstack.cli=true)
        }
        System.out.printf("[nova-real] %s: openstack compute service list --long --host %s%n%s%n", when, novaHost,
                admin.cli("compute", "service", "list", "--long", "--service", "nova-compute", "--host", novaHost));
        System.out.printf("[nova-real] %s: openstack notification list%n%s%n", when,
                admin.cli("notification", "list"));
    }

    private JsonNode member(Scenario s, String host) {
        Rest.Reply r = Rest.get(service.url() + "/v1/groups/" + s.group() + "/members/" + host);
        assertThat(r.status()).as("GET member %s: %s", host, r.raw()).isEqualTo(200);
        return r.body();
    }
}
