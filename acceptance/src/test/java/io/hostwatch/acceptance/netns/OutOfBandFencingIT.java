package io.hostwatch.acceptance.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.Sh;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.acceptance.netns.Scenario.Member;
import io.hostwatch.service.testing.IpmiSimulator;
import io.hostwatch.service.testing.RedfishStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Out-of-band fencing on real hosts (issue 13): each victim is a network namespace with a real
 * agent and a stand-in workload (a {@code sleep} playing its VMs); its BMC is a real IPMI BMC
 * simulator ({@code ipmi_sim}, IPMI 2.0 over LAN on 127.0.0.1) asked by the service with the real
 * {@code ipmitool}, or a Redfish service served by this JVM. The BMC's power-off is wired to the
 * namespace: link down and every process in it killed.
 *
 * <p>The double fault: the victim's network fails and its agent crashes ({@code kill -9}) while
 * its workload keeps running. No probe can tell that from a power loss, so the verdict is
 * {@code DEAD}; with fencing configured it must not be actionable while the workload runs, and
 * becomes actionable, {@code FENCED}, only once the BMC has confirmed the power off.
 *
 * <p>One service for every scenario (each its own group, configured in the service's YAML with
 * its own BMC), in lab {@code t} like the other namespace suites.
 */
@Timeout(180)
class OutOfBandFencingIT {
    static final Duration SESSION = FaultMatrixIT.SESSION;
    static final Path DIR = Path.of("target", "out-of-band-fencing").toAbsolutePath();
    static final Path STORAGE = DIR.resolve("storage");
    static final String REDFISH_PASSWORD_VARIABLE = "HOSTWATCH_TEST_REDFISH_PASSWORD";
    /** The agents' declared self-fence deadline: a DEAD verdict without fencing waits this long. */
    static final Duration FENCE_AFTER = Duration.ofSeconds(40);

    static NetnsLab lab;
    static TestingServer zk;
    static ServiceProcess service;
    static Scenario.Testbed bed;
    static JarSnapshot jars;
    static IpmiSimulator fenceBmc;
    static IpmiSimulator offBmc;
    static IpmiSimulator brakeBmc;
    static IpmiSimulator isolatedBmc;
    static RedfishStub redfish;
    static int unreachablePort;
    static NetnsHost gateway;

    @BeforeAll
    static void startLab() throws Exception {
        Privileges.requireRootWith("ip", "nft", "ipmi_sim", "ipmitool");
        jars = JarSnapshot.take("out-of-band-fencing");
        JarSnapshot.emptyDir(STORAGE);
        lab = NetnsLab.open("t", 0);
        gateway = lab.addGateway();
        zk = ZooKeeperServers.start();
        lab.onClose(zk);
        fenceBmc = bmc(lab, "fence");
        offBmc = bmc(lab, "off");
        brakeBmc = bmc(lab, "brake");
        isolatedBmc = bmc(lab, "isolated");
        redfish = RedfishStub.start(DIR.resolve("redfish"));
        lab.onClose(redfish);
        unreachablePort = IpmiSimulator.freeUdpPort();
        service = ServiceProcess.startIn(List.of("env", REDFISH_PASSWORD_VARIABLE + "=" + RedfishStub.PASSWORD),
                "service-fencing", serviceConfig(), zk.getConnectString(), STORAGE, SESSION.toSeconds() + "s",
                Map.of("detection.recheckInterval", FaultMatrixIT.RECHECK.toSeconds() + "s",
                        "detection.isolationAddresses", gateway.address(),
                        // 2 of 3 lost engages the brake (the other scenarios lose 1 of at most 2)
                        "brake.minMembers", "2"));
        lab.adopt(service);
        JarSnapshot.awaitJudging(service, SESSION);
        bed = new Scenario.Testbed(lab, lab.rootAddress() + ":" + zk.getPort(), STORAGE, service.url(), SESSION,
                List.of("--isolation-address", gateway.address(), "--isolation-response", "true",
                        "--fence-after", FENCE_AFTER.toSeconds() + "s", "--isolation-response-timeout", "2s"),
                new FaultFigures(SESSION));
    }

    /**
     * A BMC simulator whose power-off takes down the namespace named in its {@code namespace} file
     * (written once the scenario has made its hosts): bridge port down, every process killed.
     */
    static IpmiSimulator bmc(NetnsLab lab, String name) {
        return bmc(lab, DIR.resolve("bmc-" + name));
    }

    /** As {@link #bmc(NetnsLab, String)}, in {@code dir}. */
    static IpmiSimulator bmc(NetnsLab lab, Path dir) {
        return NetnsBmc.start(lab, dir);
    }

    static void wire(IpmiSimulator sim, NetnsHost host) throws IOException {
        NetnsBmc.wire(sim, host);
    }

    private static Path serviceConfig() throws IOException {
        String ipmi = """
                    %s:
                      method: ipmi
                      address: 127.0.0.1
                      port: %d
                      username: %s
                      password: {file: %s}
                      cipherSuite: 3
                """;
        String yaml = """
                server:
                  applicationConnectors: [{type: http}]
                  adminConnectors: [{type: http}]
                fencing:
                  timeout: 10s
                  confirmTimeout: 5s
                  confirmInterval: 250ms
                  settle: 5s
                  retryInitialDelay: 1s
                  retryMaxDelay: 2s
                  reconcileInterval: 5s
                  groups:
                """ + ipmi.formatted("fence-1", fenceBmc.port(), IpmiSimulator.USER, fenceBmc.passwordFile())
                + ipmi.formatted("off-1", offBmc.port(), IpmiSimulator.USER, offBmc.passwordFile())
                + ipmi.formatted("brake-1", brakeBmc.port(), IpmiSimulator.USER, brakeBmc.passwordFile())
                + ipmi.formatted("isolated-1", isolatedBmc.port(), IpmiSimulator.USER, isolatedBmc.passwordFile())
                + ipmi.formatted("unreach-1", unreachablePort, IpmiSimulator.USER, fenceBmc.passwordFile())
                + """
                    redfish-1:
                      method: redfish
                      url: "%s"
                      systemId: %s
                      caFile: "%s"
                      username: %s
                      password: {env: %s}
                """.formatted(redfish.url(), RedfishStub.SYSTEM, redfish.caFile(), RedfishStub.USER,
                REDFISH_PASSWORD_VARIABLE);
        Files.createDirectories(DIR);
        return Files.writeString(DIR.resolve("hostwatch-fencing.yml"), yaml);
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

    /** The victim's stand-in workload: a process in its namespace that only a power-off ends. */
    static Process workload(Member victim) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(victim.net().exec());
        cmd.addAll(List.of("sleep", "600"));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Samples the victim's verdict: an actionable verdict while the workload runs is a violation. */
    static final class WorkloadGuard implements AutoCloseable {
        final List<String> violations = new CopyOnWriteArrayList<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        WorkloadGuard(Scenario s, Process workload) {
            String host = s.victim().host();
            timer.scheduleWithFixedDelay(() -> {
                JsonNode v = s.watcher().latest(host);
                if (v != null && v.path("actionable").asBoolean() && workload.isAlive()) {
                    violations.add("actionable while the workload runs: " + v);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The double fault: the network fails and the agent crashes; the workload keeps running. */
    static void networkFailureAndAgentCrash(Member victim) {
        victim.net().pullCable();
        victim.agent().kill9();
    }

    private static JsonNode awaitVictim(Scenario s, String what, Duration bound,
                                        java.util.function.Predicate<JsonNode> condition) {
        try {
            await(s.group() + "/victim " + what).atMost(bound).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        JsonNode v = s.watcher().latest(s.victim().host());
                        return v != null && condition.test(v);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(s.group() + "/victim never " + what + "; last verdict "
                    + s.watcher().latest(s.victim().host()) + "\nservice log:\n" + Scenario.tail(service.output()), e);
        }
        return s.watcher().latest(s.victim().host());
    }

    private static Set<String> holds(JsonNode v) {
        Set<String> out = new java.util.TreeSet<>();
        v.path("holds").forEach(h -> out.add(h.asText()));
        return out;
    }

    @Test
    void deadIsActionableOnlyOnceTheBmcHasPoweredTheHostOff() throws Exception {
        try (Scenario s = Scenario.start(bed, "fence", 1, 1)) {
            Member victim = s.victim();
            wire(fenceBmc, victim.net());
            Process vms = workload(victim);
            try (WorkloadGuard guard = new WorkloadGuard(s, vms)) {
                s.watcher().poweredOff(victim.host()); // DEAD is expected; actionable is watched by the guard
                networkFailureAndAgentCrash(victim);
                JsonNode held = awaitVictim(s, "DEAD", SESSION.plusSeconds(20),
                        v -> "DEAD".equals(v.path("state").asText()));
                assertThat(vms.isAlive()).as("the workload still runs when DEAD is first published").isTrue();
                assertThat(held.path("actionable").asBoolean()).as(held.toString()).isFalse();
                assertThat(holds(held)).as(held.toString()).containsAnyOf("FENCING", "FENCING_FAILED");

                JsonNode fenced = awaitVictim(s, "actionable", Duration.ofSeconds(60),
                        v -> v.path("actionable").asBoolean());
                assertThat(vms.waitFor(5, TimeUnit.SECONDS)).as("the power-off ended the workload").isTrue();
                assertThat(fenced.path("state").asText()).isEqualTo("DEAD");
                assertThat(fenced.path("reason").asText()).contains("FENCED");
                JsonNode power = fenced.path("evidence").path("power");
                assertThat(power.path("status").asText()).as(fenced.toString()).isEqualTo("OFF");
                assertThat(power.path("fenced").asBoolean()).isTrue();
                assertThat(power.path("method").asText()).isEqualTo("ipmi-lanplus");
                assertThat(power.path("answer").asText()).isEqualTo("Chassis Power is off");
                assertThat(power.path("action").asText()).isEqualTo("FORCE_OFF");
                assertThat(fenceBmc.powerOffs()).as("BMC calls %s", fenceBmc.calls()).isEqualTo(1);
                assertThat(guard.violations).isEmpty();
                assertThat(service.output()).as("the BMC password never shows in the log")
                        .doesNotContain(IpmiSimulator.PASSWORD);
                System.out.printf("[fencing] %s/victim states %s; BMC calls %s%n", s.group(),
                        s.watcher().states(victim.host()), fenceBmc.calls());

                // The operator asks the BMC, then powers the host back on: hostwatch never does.
                String member = service.url() + "/v1/groups/" + s.group() + "/members/" + victim.host();
                JsonNode now = Rest.get(member + "/power").body();
                assertThat(now.path("power").asText()).as(now.toString()).isEqualTo("OFF");
                assertThat(now.path("fencing").path("status").asText()).isEqualTo("CONFIRMED");
                assertThat(fenceBmc.calls()).as("no power-on by hostwatch").noneMatch(c -> c.endsWith("set power 1"));
                Rest.Reply on = Rest.call(java.net.http.HttpRequest.newBuilder(java.net.URI.create(member
                        + "/power/on")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
                assertThat(on.status()).as(on.raw()).isEqualTo(200);
                assertThat(fenceBmc.poweredOn()).isTrue();
                assertThat(Rest.get(service.url() + "/v1/groups/" + s.group() + "/members/Bad_Name/power").status())
                        .isEqualTo(400);
                assertThat(Rest.get(service.url() + "/v1/groups/" + s.group() + "/members/nosuchhost/power").status())
                        .isEqualTo(404);
            } finally {
                vms.destroyForcibly();
            }
            s.finish();
        }
    }

    /**
     * The other half of the rule: a host that is {@code ISOLATED} (network gone, agent alive and
     * writing storage) whose agent has not fenced itself is held {@code FENCING} and powered off
     * through its BMC; actionable only then. The agent's own self-fence deadline is set far beyond
     * the test so that only the BMC can fence it.
     */
    @Test
    void anUnfencedIsolatedHostIsPoweredOffThroughItsBmcBeforeItIsActionable() throws Exception {
        Scenario.Testbed late = new Scenario.Testbed(bed.lab(), bed.memberZk(), bed.storage(), bed.url(),
                bed.session(), List.of("--isolation-address", gateway.address(), "--isolation-response", "true",
                "--fence-after", "120s", "--isolation-response-timeout", "2s"), bed.figures());
        try (Scenario s = Scenario.start(late, "isolated", 1, 0)) {
            Member victim = s.victim();
            wire(isolatedBmc, victim.net());
            Process vms = workload(victim);
            try (WorkloadGuard guard = new WorkloadGuard(s, vms)) {
                s.watcher().poweredOff(victim.host());
                victim.net().pullCable(); // the agent keeps running and writing storage: ISOLATED
                JsonNode held = awaitVictim(s, "ISOLATED", SESSION.plusSeconds(20),
                        v -> "ISOLATED".equals(v.path("state").asText()));
                assertThat(held.path("actionable").asBoolean()).as(held.toString()).isFalse();
                assertThat(holds(held)).as(held.toString()).containsAnyOf("FENCING", "FENCING_FAILED");

                JsonNode fenced = awaitVictim(s, "actionable", Duration.ofSeconds(40),
                        v -> v.path("actionable").asBoolean());
                assertThat(vms.waitFor(5, TimeUnit.SECONDS)).as("the power-off ended the workload").isTrue();
                assertThat(fenced.path("state").asText()).isIn("ISOLATED", "DEAD");
                assertThat(fenced.path("reason").asText()).contains("FENCED");
                JsonNode power = fenced.path("evidence").path("power");
                assertThat(power.path("fenced").asBoolean()).as(fenced.toString()).isTrue();
                assertThat(power.path("action").asText()).isEqualTo("FORCE_OFF");
                assertThat(isolatedBmc.powerOffs()).as("BMC calls %s", isolatedBmc.calls()).isEqualTo(1);
                assertThat(s.watcher().states(victim.host())).contains("ISOLATED");
                assertThat(guard.violations).isEmpty();
                System.out.printf("[fencing] %s/victim states %s; BMC calls %s%n", s.group(),
                        s.watcher().states(victim.host()), isolatedBmc.calls());
            } finally {
                vms.destroyForcibly();
            }
        }
    }

    @Test
    void anUnreachableBmcLeavesDeadNonActionableWithTheReason() throws Exception {
        try (Scenario s = Scenario.start(bed, "unreach", 1, 0)) {
            Member victim = s.victim();
            Process vms = workload(victim);
            try (WorkloadGuard guard = new WorkloadGuard(s, vms)) {
                s.watcher().poweredOff(victim.host());
                networkFailureAndAgentCrash(victim);
                JsonNode failed = awaitVictim(s, "held FENCING_FAILED", SESSION.plusSeconds(60),
                        v -> holds(v).contains("FENCING_FAILED"));
                assertThat(failed.path("state").asText()).isEqualTo("DEAD");
                assertThat(failed.path("actionable").asBoolean()).isFalse();
                assertThat(failed.path("reason").asText()).contains("fencing failed").contains("BMC");
                assertThat(failed.path("evidence").path("power").path("status").asText()).isEqualTo("UNKNOWN");
                // Retried with back-off, never guessed: it stays non-actionable.
                await("never actionable").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> !s.watcher().latest(victim.host()).path("actionable").asBoolean());
                assertThat(guard.violations).isEmpty();
            } finally {
                vms.destroyForcibly();
            }
        }
    }

    @Test
    void aBmcSayingPowerOffMakesDeadCertainWithoutTheSelfFenceWait() {
        try (Scenario s = Scenario.start(bed, "off", 1, 0)) {
            Member victim = s.victim();
            s.watcher().poweredOff(victim.host());
            Instant lost = Instant.now();
            victim.net().pullCable();
            victim.agent().kill9();
            offBmc.setPower(false); // a real power loss: the BMC (on standby power) reports it
            JsonNode dead = awaitVictim(s, "actionable", SESSION.plusSeconds(30),
                    v -> v.path("actionable").asBoolean());
            assertThat(dead.path("state").asText()).isEqualTo("DEAD");
            assertThat(dead.path("reason").asText()).contains("down for certain");
            assertThat(dead.path("evidence").path("power").path("action").asText()).isEqualTo("NONE");
            assertThat(offBmc.powerOffs()).as("nothing sent: %s", offBmc.calls()).isZero();
            Instant safe = Instant.parse(dead.path("safeToRecoverAt").asText());
            assertThat(safe).as("no wait for the declared %s s self-fence deadline", FENCE_AFTER.toSeconds())
                    .isBefore(lost.plus(FENCE_AFTER));
        }
    }

    @Test
    void theBrakeHoldsFencingNoBmcCallAtAll() {
        try (Scenario s = Scenario.start(bed, "brake", 1, 2)) {
            Member victim = s.victim();
            Member second = s.peers().get(0);
            s.watcher().poweredOff(victim.host());
            s.watcher().poweredOff(second.host());
            // Both hosts fail at once; their sessions still expire up to a third of a session plus a
            // tick apart, so the victim may be DEAD (held SETTLING) before the second loss is seen.
            victim.net().pullCable();
            second.net().pullCable();
            victim.agent().kill9();
            second.agent().kill9();
            JsonNode dead = awaitVictim(s, "DEAD", SESSION.plusSeconds(20),
                    v -> "DEAD".equals(v.path("state").asText()));
            await("2 of 3 lost: the brake engaged").atMost(SESSION.plusSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> Rest.get(service.url() + "/v1/groups/" + s.group() + "/brake").body()
                            .path("engaged").asBoolean());
            await("no BMC call while the brake holds").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> brakeBmc.calls().isEmpty()
                            && !s.watcher().latest(victim.host()).path("actionable").asBoolean());
            assertThat(holds(s.watcher().latest(victim.host()))).contains("BRAKE");
            assertThat(dead.path("actionable").asBoolean()).isFalse();
        }
    }

    @Test
    void redfishPowersTheHostOffThroughTheResetAction() throws Exception {
        try (Scenario s = Scenario.start(bed, "redfish", 1, 0)) {
            Member victim = s.victim();
            Process vms = workload(victim);
            redfish.onForceOff = () -> {
                Sh.run(false, "ip", "link", "set", victim.net().rootLink(), "down");
                NetnsHost.pids(victim.net().namespace()).forEach(pid -> ProcessHandle.of(pid)
                        .ifPresent(ProcessHandle::destroyForcibly));
            };
            try (WorkloadGuard guard = new WorkloadGuard(s, vms)) {
                s.watcher().poweredOff(victim.host());
                networkFailureAndAgentCrash(victim);
                JsonNode fenced = awaitVictim(s, "actionable", SESSION.plusSeconds(60),
                        v -> v.path("actionable").asBoolean());
                assertThat(vms.waitFor(5, TimeUnit.SECONDS)).isTrue();
                JsonNode power = fenced.path("evidence").path("power");
                assertThat(power.path("method").asText()).isEqualTo("redfish");
                assertThat(power.path("answer").asText()).isEqualTo("PowerState Off");
                assertThat(power.path("fenced").asBoolean()).isTrue();
                assertThat(redfish.forceOffs()).as("Redfish calls %s", redfish.calls()).isEqualTo(1);
                assertThat(guard.violations).isEmpty();
                assertThat(service.output()).doesNotContain(RedfishStub.PASSWORD);
            } finally {
                vms.destroyForcibly();
                redfish.onForceOff = () -> { };
            }
        }
    }
}
