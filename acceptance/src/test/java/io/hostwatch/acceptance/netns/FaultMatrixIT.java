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
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The fault matrix of issue 3 on real hosts: every member host is a network namespace with a real
 * agent JVM, the detector and ZooKeeper run in the root namespace, shared storage is a directory
 * all of them see. Each test is one row: it injects the fault, asserts the verdict (and that the
 * other hosts of the group stay RUNNING and no live host is ever DEAD or actionable), and records
 * the time from injection to the verdict's publication ({@code since}) in {@link FaultFigures}.
 *
 * <p>{@code -Dhostwatch.repeats=N} (1..5, default 1) runs every row N times for the figures;
 * {@code -Dhostwatch.sessionSeconds=S} (default 4) sets the session timeout of agents and detector.
 * The table goes to {@code target/fault-matrix.md}; {@code deploy/fault-matrix.sh} copies it to
 * {@code docs/}. Times are reported, never asserted: this is a benchmark, not a timed unit test.
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixIT {
    static final Duration SESSION = Duration.ofSeconds(Long.getLong("hostwatch.sessionSeconds", 4));
    static final int REPEATS = (int) Math.max(1, Math.min(5, Long.getLong("hostwatch.repeats", 1)));
    static final Duration RECHECK = Duration.ofSeconds(1);
    /** Verdicts to wait through after a heartbeat loss. */
    static final Set<String> LOSING = Set.of("RUNNING", "SUSPECT");
    static final Path STORAGE = Path.of("target", "fault-matrix", "storage").toAbsolutePath();
    static final Path REPORT = Path.of("target", "fault-matrix.md").toAbsolutePath();

    static NetnsLab lab;
    static TestingServer zk;
    static ServiceProcess service;
    static Scenario.Testbed bed;
    static final FaultFigures FIGURES = new FaultFigures(SESSION);
    static final Map<String, String> SETTINGS = new LinkedHashMap<>();
    static JarSnapshot jars;
    /** Per run of the ICMP row: how the probe got its answer, and how many echo requests the victim dropped. */
    static final List<String> ICMP_RUNS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void startLab() throws Exception {
        Privileges.requireRootWith("ip", "nft");
        jars = JarSnapshot.take("fault-matrix");
        SlotFreeze.unfreezeAll(STORAGE);
        JarSnapshot.emptyDir(STORAGE);
        lab = NetnsLab.open("t", 0);
        NetnsHost gateway = lab.addGateway();
        zk = ZooKeeperServers.start();
        lab.onClose(zk);
        SETTINGS.put("zookeeper.sessionTimeout", SESSION.toSeconds() + "s");
        SETTINGS.put("detection.recheckInterval", RECHECK.toSeconds() + "s");
        SETTINGS.put("detection.isolationAddresses", gateway.address());
        service = ServiceProcess.start("service-netns", zk.getConnectString(), STORAGE, SESSION.toSeconds() + "s",
                Map.of("detection.recheckInterval", SETTINGS.get("detection.recheckInterval"),
                        "detection.isolationAddresses", gateway.address()));
        lab.adopt(service);
        JarSnapshot.awaitJudging(service, SESSION);
        SETTINGS.put("agent --isolation-address", gateway.address());
        bed = new Scenario.Testbed(lab, lab.rootAddress() + ":" + zk.getPort(), STORAGE, service.url(), SESSION,
                List.of("--isolation-address", gateway.address()), FIGURES);
    }

    @AfterAll
    static void stopLab() {
        try {
            if (!FIGURES.isEmpty()) {
                String report = FaultMatrixReport.render(FIGURES, SESSION, REPEATS, SETTINGS,
                        service == null ? "?" : pingMethod(), lab == null ? 0 : lab.guardDrops(), observations());
                FaultFigures.write(REPORT, report);
                System.out.println(report);
                System.out.println("[fault-matrix] written to " + REPORT);
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
            SlotFreeze.unfreezeAll(STORAGE);
            if (jars != null) {
                jars.close();
            }
        }
    }

    private static List<String> observations() {
        if (ICMP_RUNS.isEmpty()) {
            return List.of();
        }
        return List.of("ICMP blocked, per run: " + String.join("; ", ICMP_RUNS) + ". The probe opens its TCP "
                + "connections first and sends an echo request only when nothing answered within 100 ms, so a host "
                + "that refuses on port 22 is seen to answer before ICMP is even tried.");
    }

    private static String pingMethod() {
        JsonNode d = Rest.get(service.url() + "/v1/detector").body();
        return d == null ? "?" : d.path("pingMethod").asText("?");
    }

    /** Runs {@code row} REPEATS times, each in a fresh scenario. */
    private static void runs(String row, int peers, Consumer<Scenario> body) {
        for (int run = 1; run <= REPEATS; run++) {
            try (Scenario s = Scenario.start(bed, row, run, peers)) {
                body.accept(s);
                s.finish();
            }
        }
    }

    private static JsonNode evidence(JsonNode v, String signal) {
        return v.path("evidence").path(signal);
    }

    @Test
    @Order(1)
    void serviceCrash() {
        runs("crash", 1, s -> {
            JsonNode v = s.step("service crash: `kill -9` the agent, link up", "SERVICE_UNREACHABLE", Kind.FAULT,
                    s.victim().agent()::kill9, LOSING);
            assertThat(evidence(v, "ping").path("status").asText()).isEqualTo("OK");
            assertThat(evidence(v, "storage").path("status").asText()).isEqualTo("STALE");
            assertThat(v.path("actionable").asBoolean()).isFalse();
        });
    }

    @Test
    @Order(2)
    void hostPowerLoss() {
        runs("power", 2, s -> {
            Member victim = s.victim();
            s.watcher().poweredOff(victim.host());
            JsonNode v = s.step("host power loss: link down + `kill -9`", "DEAD", Kind.FAULT, () -> {
                victim.net().pullCable();
                victim.agent().kill9();
            }, LOSING);
            assertThat(v.path("actionable").asBoolean()).as("DEAD with the brake not engaged: " + v).isTrue();
            assertThat(v.has("holds")).as("no hold: " + v).isFalse();
            assertThat(v.path("safeToRecoverAt").asText()).isNotBlank();
            assertThat(evidence(v, "ping").path("status").asText()).isEqualTo("FAIL");
            assertThat(evidence(v, "storage").path("status").asText()).isEqualTo("STALE");
        });
    }

    @Test
    @Order(3)
    void networkIsolation() {
        runs("isolate", 1, s -> {
            Member victim = s.victim();
            s.undoOnClose(victim.net()::plugCable);
            JsonNode v = s.step("network isolation: link down, agent keeps writing storage", "ISOLATED", Kind.FAULT,
                    victim.net()::pullCable, LOSING);
            assertThat(v.path("actionable").asBoolean()).isFalse();
            assertThat(evidence(v, "ping").path("status").asText()).isEqualTo("FAIL");
            assertThat(evidence(v, "storage").path("status").asText()).isEqualTo("FRESH");
            s.hold("network isolation: rechecked for 3 s", "ISOLATED", Duration.ofSeconds(3), () -> { });
            assertThat(victim.agent().isAlive()).isTrue();
        });
    }

    @Test
    @Order(4)
    void isolationThenPowerLoss() {
        runs("isopower", 1, s -> {
            Member victim = s.victim();
            s.step("isolation then power loss: 1. link down", "ISOLATED", Kind.FAULT, victim.net()::pullCable,
                    LOSING);
            s.watcher().poweredOff(victim.host());
            JsonNode v = s.step("isolation then power loss: 2. `kill -9` while isolated", "DEAD", Kind.FAULT,
                    victim.agent()::kill9, Set.of("ISOLATED", "SUSPECT"));
            assertThat(v.path("actionable").asBoolean()).as(v.toString()).isTrue();
            assertThat(s.watcher().states(victim.host())).containsSubsequence("ISOLATED", "DEAD");
        });
    }

    @Test
    @Order(5)
    void isolationHealed() {
        runs("heal", 0, s -> {
            Member victim = s.victim();
            s.step("isolation healed: 1. link down", "ISOLATED", Kind.FAULT, victim.net()::pullCable, LOSING);
            s.step("isolation healed: 2. link up", "RUNNING", Kind.RECOVERY, victim.net()::plugCable,
                    v -> "RUNNING".equals(v.path("state").asText()), v -> v.path("state").asText(),
                    v -> v.path("since").asText(null));
            assertThat(s.watcher().states(victim.host())).containsSubsequence("ISOLATED", "RUNNING");
        });
    }

    @Test
    @Order(6)
    void coordinationPathCut() {
        runs("partition", 1, s -> {
            Member victim = s.victim();
            s.undoOnClose(victim.net()::clearFaults);
            JsonNode v = s.step("coordination path cut: nft drops tcp to the ZooKeeper port", "PARTITIONED",
                    Kind.FAULT, () -> victim.net().cutTcpTo(lab.rootAddress(), zk.getPort()), LOSING);
            assertThat(evidence(v, "ping").path("status").asText()).isEqualTo("OK");
            assertThat(evidence(v, "storage").path("status").asText()).isEqualTo("FRESH");
            assertThat(v.path("actionable").asBoolean()).isFalse();
            assertThat(victim.agent().isAlive()).isTrue();
            assertThat(victim.net().faultDrops()).as("packets to ZooKeeper dropped").isPositive();
        });
    }

    @Test
    @Order(7)
    void icmpBlocked() {
        runs("icmp", 0, s -> {
            Member victim = s.victim();
            s.hold("ICMP blocked: nft drops echo in the member, for a session timeout", "RUNNING",
                    SESSION, victim.net()::dropIcmpEcho);
            JsonNode v = s.step("ICMP blocked, then `kill -9` the agent", "SERVICE_UNREACHABLE", Kind.FAULT,
                    victim.agent()::kill9, LOSING);
            assertThat(evidence(v, "ping").path("status").asText()).isEqualTo("OK");
            assertThat(evidence(v, "ping").path("method").asText()).as(v.toString()).startsWith("tcp");
            long dropped = victim.net().faultDrops();
            System.out.printf("[fault-matrix] %s: ICMP echo packets dropped in the member: %d%n", s.group(), dropped);
            ICMP_RUNS.add("`" + evidence(v, "ping").path("method").asText() + "`, " + dropped + " echo dropped");
        });
    }

    @Test
    @Order(8)
    void processFrozen() {
        runs("freeze", 1, s -> {
            Member victim = s.victim();
            long frozenAt = System.nanoTime();
            s.step("process frozen: `SIGSTOP` the agent", "SERVICE_UNREACHABLE", Kind.FAULT,
                    () -> victim.agent().signal("STOP"), LOSING);
            // Stay frozen past the session timeout (the loss shows up to a third of it earlier).
            Duration frozenFor = SESSION.plusMillis(500);
            await("frozen for " + frozenFor).atMost(frozenFor.plusSeconds(1)).pollInterval(Duration.ofMillis(50))
                    .until(() -> Duration.ofNanos(System.nanoTime() - frozenAt).compareTo(frozenFor) > 0);
            assertThat(s.verdict().path("state").asText()).as("still frozen").isEqualTo("SERVICE_UNREACHABLE");
            s.step("process frozen: then `SIGCONT`", "RUNNING", Kind.RECOVERY, () -> victim.agent().signal("CONT"),
                    v -> "RUNNING".equals(v.path("state").asText()), v -> v.path("state").asText(),
                    v -> v.path("since").asText(null));
        });
    }

    @Test
    @Order(9)
    void gracefulStop() {
        runs("stop", 0, s -> {
            Member victim = s.victim();
            s.step("graceful stop: `SIGTERM`", "STOPPED", Kind.FAULT, () -> victim.agent().signal("TERM"), LOSING);
            assertThat(victim.agent().waitForExit(20)).as("agent exit status after SIGTERM").isZero();
            s.hold("graceful stop: rechecked for 2 s", "STOPPED", Duration.ofSeconds(2), () -> { });
        });
    }

    @Test
    @Order(10)
    void storageWriteFailure() {
        runs("storage", 1, s -> {
            Member victim = s.victim();
            Path slot = victim.slot(STORAGE, s.group());
            SlotFreeze[] freeze = new SlotFreeze[1];
            s.undoOnClose(() -> {
                if (freeze[0] != null) {
                    freeze[0].close();
                }
            });
            s.step("storage write failure: slot unwritable, network fine", "RUNNING, storage STALE", Kind.FAULT,
                    () -> freeze[0] = SlotFreeze.freeze(slot, victim.agent().pid()),
                    // Freezing the slot changes its ctime: until stale.after has passed since that change the
                    // detector may show storage UNKNOWN ("someone else writes it"), a conservative interim.
                    // The step settles only on STALE, the verdict this fault must end in.
                    v -> "STALE".equals(evidence(v, "storage").path("status").asText()),
                    FaultMatrixIT::stateAndStorage, v -> v.path("updatedAt").asText(null));
            SETTINGS.put("storage fault", freeze[0].mechanism());
            assertThat(victim.agent().output()).contains("storage heartbeat write failed");
            for (Member peer : s.peers()) {
                assertThat(evidence(s.watcher().latest(peer.host()), "storage").path("status").asText())
                        .as(peer.host() + " storage").isEqualTo("FRESH");
            }
            s.step("storage write failure: slot writable again", "RUNNING, storage FRESH", Kind.RECOVERY,
                    freeze[0]::close, v -> "FRESH".equals(evidence(v, "storage").path("status").asText()),
                    FaultMatrixIT::stateAndStorage, v -> v.path("updatedAt").asText(null));
            assertThat(s.watcher().states(victim.host())).containsOnly("RUNNING");
        });
    }

    private static String stateAndStorage(JsonNode v) {
        return v.path("state").asText() + ", storage " + evidence(v, "storage").path("status").asText();
    }

}
