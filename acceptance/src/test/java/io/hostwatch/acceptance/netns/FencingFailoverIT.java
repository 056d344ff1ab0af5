package io.hostwatch.acceptance.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.acceptance.netns.Scenario.Member;
import io.hostwatch.service.testing.IpmiSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leader failover in the middle of out-of-band fencing, on real processes: two service instances
 * (separate JVMs on one ZooKeeper), namespace hosts with real agents and a stand-in workload, and
 * for each host a real BMC simulator ({@code ipmi_sim}) asked through the real {@code ipmitool}.
 *
 * <p>The services run {@code ipmitool} through a pass-through wrapper written here. When the test
 * arms it, the wrapper holds the next power-off it is asked for (before ipmitool runs) and says so
 * in a file with the asking JVM's pid; the test then freezes that JVM ({@code SIGSTOP}) past its
 * session timeout, and lets the held command either go on to the BMC (the power-off lands while
 * the old leader is frozen) or end without reaching it (the old leader stopped before its
 * power-off was sent). Either way the other instance takes over, finds the intent the old leader
 * recorded, asks the BMC and finishes: the BMC receives exactly one power-off for the incarnation,
 * the verdict ends {@code DEAD}, {@code FENCED} and actionable (never before the workload is gone),
 * and the old leader, resumed ({@code SIGCONT}), sends nothing more.
 *
 * <p>Round one freezes the first leader and lets its power-off go on; round two freezes the new
 * leader and drops its power-off. Lab {@code t}, like the other namespace suites.
 */
@Timeout(240)
class FencingFailoverIT {
    static final Duration SESSION = FaultMatrixIT.SESSION;
    static final Path DIR = Path.of("target", "fencing-failover").toAbsolutePath();
    static final Path STORAGE = DIR.resolve("storage");
    /** Bound of each BMC request: long, so a loaded machine freezes the leader well before its ipmitool is killed. */
    static final Duration BMC_TIMEOUT = Duration.ofSeconds(15);

    static NetnsLab lab;
    static TestingServer zk;
    static JarSnapshot jars;
    static NetnsHost gateway;
    static ServiceProcess a;
    static ServiceProcess b;
    static IpmiSimulator bmc1;
    static IpmiSimulator bmc2;

    @BeforeAll
    static void startLab() throws Exception {
        Privileges.requireRootWith("ip", "nft", "ipmi_sim", "ipmitool");
        jars = JarSnapshot.take("fencing-failover");
        JarSnapshot.emptyDir(STORAGE);
        JarSnapshot.emptyDir(DIR.resolve("wrapper"));
        lab = NetnsLab.open("t", 0);
        gateway = lab.addGateway();
        zk = ZooKeeperServers.start();
        lab.onClose(zk);
        bmc1 = OutOfBandFencingIT.bmc(lab, DIR.resolve("bmc-1"));
        bmc2 = OutOfBandFencingIT.bmc(lab, DIR.resolve("bmc-2"));
        Path config = serviceConfig(wrapper());
        a = service("service-failover-a", config);
        b = service("service-failover-b", config);
    }

    private static ServiceProcess service(String name, Path config) {
        ServiceProcess s = ServiceProcess.startIn(List.of(), name, config, zk.getConnectString(), STORAGE,
                SESSION.toSeconds() + "s", Map.of("detection.recheckInterval", FaultMatrixIT.RECHECK.toSeconds() + "s",
                        "detection.isolationAddresses", gateway.address()));
        lab.adopt(s);
        return s;
    }

    /**
     * {@code ipmitool} as the services run it. Pass-through, except that while {@code hold} exists
     * the first power-off takes it (atomically), writes its parent's pid and its own to {@code held}, and waits
     * (at most 90 s) for {@code release}: {@code go} runs ipmitool, anything else ends without it.
     */
    private static Path wrapper() throws IOException {
        Path dir = DIR.resolve("wrapper");
        Path script = dir.resolve("ipmitool");
        Files.writeString(script, """
                #!/bin/sh
                dir='%s'
                for last in "$@"; do :; done
                if [ "$last" = off ] && mv "$dir/hold" "$dir/taken.$$" 2>/dev/null; then
                  echo "$PPID $$" > "$dir/held.tmp" && mv "$dir/held.tmp" "$dir/held"
                  n=0
                  while [ ! -s "$dir/release" ] && [ $n -lt 900 ]; do sleep 0.1; n=$((n + 1)); done
                  if [ "$(cat "$dir/release" 2>/dev/null)" != go ]; then
                    echo "power-off dropped before it reached the BMC" >&2
                    exit 1
                  fi
                fi
                exec ipmitool "$@"
                """.formatted(dir));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static Path serviceConfig(Path ipmitool) throws IOException {
        String group = """
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
                  timeout: %ds
                  confirmTimeout: 5s
                  confirmInterval: 250ms
                  settle: 2s
                  retryInitialDelay: 1s
                  retryMaxDelay: 2s
                  reconcileInterval: 5s
                  ipmitool: %s
                  groups:
                """.formatted(BMC_TIMEOUT.toSeconds(), ipmitool)
                + group.formatted("failover-1", bmc1.port(), IpmiSimulator.USER, bmc1.passwordFile())
                + group.formatted("failover-2", bmc2.port(), IpmiSimulator.USER, bmc2.passwordFile());
        return Files.writeString(DIR.resolve("hostwatch-failover.yml"), yaml);
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

    private static JsonNode detector(ServiceProcess s) {
        return Rest.get(s.url() + "/v1/detector").body();
    }

    private static boolean leads(ServiceProcess s) {
        JsonNode d = detector(s);
        return d != null && d.path("leader").asBoolean();
    }

    private static ServiceProcess awaitLeader() {
        await("one instance leads").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .failFast("a service exited", () -> !a.isAlive() || !b.isAlive())
                .until(() -> leads(a) || leads(b));
        ServiceProcess leader = leads(a) ? a : b;
        JarSnapshot.awaitJudging(leader, SESSION);
        return leader;
    }

    private static String member(ServiceProcess s, String group) {
        return s.url() + "/v1/groups/" + group + "/members/victim";
    }

    /**
     * The fencing record as {@code s} shows it ({@code GET .../power} also asks the BMC, which sends
     * nothing), or a MissingNode when no answer came in time: that call runs ipmitool, slow on a busy machine.
     */
    private static JsonNode record(ServiceProcess s, String group) {
        return Rest.json(member(s, group) + "/power").path("fencing");
    }

    private static String metrics(ServiceProcess s) {
        return Rest.get(s.adminUrl() + "/metrics").raw();
    }

    private static void arm() throws IOException {
        Path dir = DIR.resolve("wrapper");
        Files.deleteIfExists(dir.resolve("held"));
        Files.deleteIfExists(dir.resolve("release"));
        Files.writeString(dir.resolve("hold"), "armed\n");
    }

    /** The pids of the JVM that asked for the held power-off and of the wrapper holding it. */
    private static long[] awaitHeld(Scenario s, ServiceProcess leader) throws IOException {
        Path held = DIR.resolve("wrapper").resolve("held");
        try {
            await("the leader's power-off reaches the wrapper").atMost(SESSION.plusSeconds(40))
                    .pollInterval(Duration.ofMillis(10)).until(() -> Files.exists(held));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no power-off was asked for; last verdict " + s.verdict() + "\nleader log:\n"
                    + Scenario.tail(leader.output()), e);
        }
        String[] pids = Files.readString(held).strip().split(" ");
        return new long[] {Long.parseLong(pids[0]), Long.parseLong(pids[1])};
    }

    private static void release(boolean go) throws IOException {
        Files.writeString(DIR.resolve("wrapper").resolve("release"), go ? "go\n" : "drop\n");
    }

    /**
     * One round: a fenced victim loses its network and its agent; the leader's power-off is held and
     * the leader frozen; {@code lands} says whether the held power-off then reaches the BMC. Returns
     * the verdict the new leader ends with.
     */
    private static JsonNode round(String group, int run, IpmiSimulator bmc, boolean lands) throws Exception {
        ServiceProcess old = awaitLeader();
        ServiceProcess next = old == a ? b : a;
        long oldEpoch = detector(old).path("epoch").asLong();
        Scenario.Testbed bed = new Scenario.Testbed(lab, lab.rootAddress() + ":" + zk.getPort(), STORAGE, next.url(),
                SESSION, List.of("--isolation-address", gateway.address(), "--isolation-response", "true",
                "--fence-after", "20s", "--isolation-response-timeout", "2s"), new FaultFigures(SESSION));
        try (Scenario s = Scenario.start(bed, group, run, 0)) {
            Member victim = s.victim();
            OutOfBandFencingIT.wire(bmc, victim.net());
            Process vms = OutOfBandFencingIT.workload(victim);
            try (OutOfBandFencingIT.WorkloadGuard guard = new OutOfBandFencingIT.WorkloadGuard(s, vms)) {
                s.watcher().poweredOff(victim.host());
                arm();
                OutOfBandFencingIT.networkFailureAndAgentCrash(victim);
                long[] held = awaitHeld(s, old);
                assertThat(held[0]).as("the leader is the one powering off").isEqualTo(old.pid());
                // The leader recorded its intent before it asked the BMC anything (seen by the other instance).
                // Each look runs ipmitool (1-3 s on a busy machine); the bound stays well below BMC_TIMEOUT,
                // after which the frozen leader's held call would no longer be pending.
                await("the intent, seen by the other instance").atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50)).until(() -> {
                            JsonNode r = record(next, s.group());
                            return "PENDING".equals(r.path("status").asText()) && r.path("epoch").asLong() == oldEpoch
                                    && r.path("attempts").asInt() == 1 && r.path("powerOffSent").asInt() == 0;
                        });
                old.signal("STOP");
                JsonNode fenced;
                try {
                    assertThat(ProcessHandle.of(held[1]).map(ProcessHandle::isAlive).orElse(false))
                            .as("the held power-off is still pending when its leader freezes (machine too slow?)")
                            .isTrue();
                    release(lands);
                    if (lands) {
                        await("the held power-off lands").atMost(Duration.ofSeconds(20))
                                .pollInterval(Duration.ofMillis(50)).until(() -> !bmc.poweredOn());
                    }
                    await("takeover").atMost(SESSION.plusSeconds(40)).pollInterval(Duration.ofMillis(200))
                            .until(() -> leads(next));
                    try {
                        await(s.group() + "/victim FENCED and actionable").atMost(SESSION.plusSeconds(40))
                                .pollInterval(Duration.ofMillis(50)).until(() -> {
                                    JsonNode v = s.watcher().latest(victim.host());
                                    return v != null && v.path("actionable").asBoolean();
                                });
                    } catch (ConditionTimeoutException e) {
                        throw new AssertionError("never actionable; last verdict " + s.verdict()
                                + "\nnew leader log:\n" + Scenario.tail(next.output()), e);
                    }
                    fenced = s.verdict();
                    assertThat(vms.waitFor(5, TimeUnit.SECONDS)).as("the power-off ended the workload").isTrue();
                } finally {
                    old.signal("CONT");
                }
                long newEpoch = detector(next).path("epoch").asLong();
                assertThat(newEpoch).isGreaterThan(oldEpoch);
                assertThat(fenced.path("state").asText()).isEqualTo("DEAD");
                assertThat(fenced.path("reason").asText()).contains("FENCED");
                assertThat(fenced.path("epoch").asLong()).isEqualTo(newEpoch);
                JsonNode power = fenced.path("evidence").path("power");
                assertThat(power.path("status").asText()).as(fenced.toString()).isEqualTo("OFF");
                assertThat(power.path("fenced").asBoolean()).isTrue();
                JsonNode done = await("the fencing record").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200)).until(() -> record(next, s.group()), r -> !r.isMissingNode());
                assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("CONFIRMED");
                assertThat(done.path("epoch").asLong()).as("the new leader finished it").isEqualTo(newEpoch);
                assertThat(done.path("attempts").asInt()).isEqualTo(2);
                assertThat(done.path("alreadyOff").asBoolean()).as("an earlier attempt may have sent it").isFalse();
                // Sent by the old leader (unrecorded: it was frozen) or by the new one, never by both.
                assertThat(done.path("powerOffSent").asInt()).as("power-offs recorded (%s); BMC calls %s", done,
                        bmc.calls()).isEqualTo(lands ? 0 : 1);

                // The old leader, resumed, steps down and sends nothing more.
                await("the old leader steps down").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> detector(old) != null && !leads(old));
                await("no second power-off").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> bmc.powerOffs() == 1 && leads(next)
                                && s.watcher().latest(victim.host()).path("actionable").asBoolean());
                assertThat(bmc.powerOffs()).as("BMC calls %s", bmc.calls()).isEqualTo(1);
                assertThat(guard.violations).isEmpty();
                assertThat(s.watcher().violations()).isEmpty();
                System.out.printf("[fencing-failover] %s: %s frozen at its power-off (%s), %s finished in epoch %d; "
                        + "states %s; BMC calls %s%n", s.group(), old.name(), lands ? "sent" : "dropped",
                        next.name(), newEpoch, s.watcher().states(victim.host()), bmc.calls());
                assertThat(old.output() + next.output()).as("the BMC password never shows in a log")
                        .doesNotContain(IpmiSimulator.PASSWORD);
            } finally {
                vms.destroyForcibly();
            }
            return fenced(next, s.group());
        }
    }

    private static JsonNode fenced(ServiceProcess s, String group) {
        return Rest.get(member(s, group)).body();
    }

    @Test
    void aLeaderFrozenWhilePoweringOffIsFinishedByTheNextWithExactlyOnePowerOff() throws Exception {
        // Round one: the power-off lands while its leader is frozen; the next leader finds the power off.
        ServiceProcess first = awaitLeader();
        round("failover", 1, bmc1, true);
        ServiceProcess second = first == a ? b : a;
        assertThat(metrics(second)).as("the next leader found the power off and sent nothing")
                .contains("hostwatch_fencing_actions_total{method=\"ipmi-lanplus\",outcome=\"already_off\"} 1.0");

        // Round two: the new leader is frozen in turn, and its power-off never reaches the BMC; the
        // first instance, long resumed, takes over again and sends the one power-off itself.
        round("failover", 2, bmc2, false);
        assertThat(metrics(first)).as("the first instance powered the host off this time")
                .containsPattern("hostwatch_fencing_actions_total\\{method=\"ipmi-lanplus\",outcome=\"confirmed\"} "
                        + "[1-9]");
    }
}
