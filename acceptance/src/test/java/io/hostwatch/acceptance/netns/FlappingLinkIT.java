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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4, "flapping link": a member host whose link goes up and down repeatedly. Never an
 * actionable verdict (nor {@code DEAD}) about it, its flap count visible in the verdict's
 * evidence, and its peers stay {@code RUNNING}.
 *
 * <p>Same lab as {@link FaultMatrixIT} (lab {@code t}, 198.18.0.0/24: the lab's lock makes the two
 * take turns), with the service's flap damping at {@code flap.threshold=3}. One victim and two
 * peers in a fresh group, a {@link VerdictWatcher} on the group throughout. Two phases, each a
 * bounded number of cycles of the victim's bridge port going down and up again:
 * <ol>
 *   <li>{@value #SHORT_CYCLES} cycles of half a session timeout down, half up: the ZooKeeper
 *       session normally survives each cut, so nothing need change;</li>
 *   <li>{@value #LOSSY_CYCLES} cycles with the cable out for longer than the session timeout, until
 *       the victim's heartbeat is lost and it is judged {@code ISOLATED} (it keeps writing
 *       storage), then back in until it is {@code RUNNING} again: each cycle is one loss for the
 *       flap damper, and from the second on the count shows in {@code evidence.flaps}.</li>
 * </ol>
 */
class FlappingLinkIT {
    static final Duration SESSION = FaultMatrixIT.SESSION;
    static final Duration HALF_SESSION = SESSION.dividedBy(2);
    /** Phase 1: cuts shorter than the session timeout. */
    static final int SHORT_CYCLES = 5;
    /** Phase 2: cuts that lose the heartbeat; at least 2 so that a flap count shows. */
    static final int LOSSY_CYCLES = 3;
    static final int FLAP_THRESHOLD = 3;
    static final Duration RECOVERY_BOUND = SESSION.plusSeconds(20);
    static final Set<String> LOSING = FaultMatrixIT.LOSING;
    static final Path STORAGE = Path.of("target", "flapping-link", "storage").toAbsolutePath();

    static NetnsLab lab;
    static TestingServer zk;
    static ServiceProcess service;
    static Scenario.Testbed bed;
    static JarSnapshot jars;

    @BeforeAll
    static void startLab() throws Exception {
        Privileges.requireRootWith("ip", "nft");
        jars = JarSnapshot.take("flapping-link");
        JarSnapshot.emptyDir(STORAGE);
        lab = NetnsLab.open("t", 0);
        NetnsHost gateway = lab.addGateway();
        zk = ZooKeeperServers.start();
        lab.onClose(zk);
        service = ServiceProcess.start("service-flapping", zk.getConnectString(), STORAGE, SESSION.toSeconds() + "s",
                Map.of("detection.recheckInterval", FaultMatrixIT.RECHECK.toSeconds() + "s",
                        "detection.isolationAddresses", gateway.address(),
                        "flap.threshold", Integer.toString(FLAP_THRESHOLD),
                        "flap.window", "10m",
                        "flap.holdDown", "10m"));
        lab.adopt(service);
        JarSnapshot.awaitJudging(service, SESSION);
        bed = new Scenario.Testbed(lab, lab.rootAddress() + ":" + zk.getPort(), STORAGE, service.url(), SESSION,
                List.of("--isolation-address", gateway.address()), new FaultFigures(SESSION));
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
    @Timeout(240)
    void flappingLinkGivesNoActionableVerdictAndShowsItsFlapCount() {
        try (Scenario s = Scenario.start(bed, "flap", 1, 2)) {
            Member victim = s.victim();
            String host = victim.host();
            s.undoOnClose(victim.net()::plugCable);

            // Phase 1: down and up every half session timeout.
            long phase1 = System.nanoTime();
            for (int cycle = 1; cycle <= SHORT_CYCLES; cycle++) {
                victim.net().pullCable();
                try {
                    dwell(HALF_SESSION);
                } finally {
                    victim.net().plugCable();
                }
                dwell(HALF_SESSION);
                assertThat(s.watcher().violations()).as("after short cycle " + cycle).isEmpty();
            }
            List<String> phase1States = s.watcher().states(host);
            System.out.printf("[flapping-link] %s/%s: %d cuts of %d ms (up %d ms) in %d ms: states %s, flaps %d%n",
                    s.group(), host, SHORT_CYCLES, HALF_SESSION.toMillis(), HALF_SESSION.toMillis(),
                    Duration.ofNanos(System.nanoTime() - phase1).toMillis(), phase1States,
                    member(s, host).path("evidence").path("flaps").asInt(0));
            awaitRunning(s, host, "after the short cycles");
            int before = member(s, host).path("evidence").path("flaps").asInt(0);

            // Phase 2: each cut longer than the session timeout, so that the heartbeat is lost.
            List<Integer> flapsSeen = new ArrayList<>();
            for (int cycle = 1; cycle <= LOSSY_CYCLES; cycle++) {
                long cut = System.nanoTime();
                JsonNode lost = s.step("flapping link: cable out past the session timeout", "ISOLATED", Kind.FAULT,
                        victim.net()::pullCable, LOSING);
                assertThat(lost.path("actionable").asBoolean()).as("cycle %d: %s", cycle, lost).isFalse();
                assertThat(lost.path("evidence").path("storage").path("status").asText()).isEqualTo("FRESH");
                // Out for a bit longer than the session timeout in any case.
                dwell(SESSION.plusSeconds(1).minus(Duration.ofNanos(System.nanoTime() - cut)));
                JsonNode whileOut = member(s, host);
                int flaps = whileOut.path("evidence").path("flaps").asInt(0);
                flapsSeen.add(flaps);
                if (before + cycle >= 2) {
                    assertThat(flaps).as("cycle %d: losses counted (%s)", cycle, whileOut)
                            .isGreaterThanOrEqualTo(before + cycle);
                }
                s.step("flapping link: cable back in", "RUNNING", Kind.RECOVERY, victim.net()::plugCable,
                        v -> "RUNNING".equals(v.path("state").asText()), v -> v.path("state").asText(),
                        v -> v.path("since").asText(null));
                dwell(HALF_SESSION);
            }
            awaitRunning(s, host, "after the lossy cycles");

            JsonNode v = member(s, host);
            System.out.printf("[flapping-link] %s/%s: flaps while out %s; states %s; now %s%n", s.group(), host,
                    flapsSeen, s.watcher().states(host), v);
            assertThat(v.path("state").asText()).isEqualTo("RUNNING");
            assertThat(v.path("actionable").asBoolean()).isFalse();
            assertThat(v.path("evidence").path("flaps").asInt(0)).as("flap count in the evidence: %s", v)
                    .isGreaterThanOrEqualTo(Math.max(2, LOSSY_CYCLES));
            assertThat(s.watcher().states(host)).as("each lossy cycle was seen")
                    .containsSubsequence("ISOLATED", "RUNNING", "ISOLATED", "RUNNING", "ISOLATED", "RUNNING");
            assertThat(victim.agent().isAlive()).as("victim agent alive").isTrue();
            s.finish();
        }
    }

    private static JsonNode member(Scenario s, String host) {
        Rest.Reply r = Rest.get(bed.url() + "/v1/groups/" + s.group() + "/members/" + host);
        assertThat(r.status()).as("GET member %s: %s", host, r.raw()).isEqualTo(200);
        return r.body();
    }

    /** Waits (bounded) until the host is RUNNING with its storage FRESH again. */
    private static void awaitRunning(Scenario s, String host, String when) {
        try {
            await(s.group() + "/" + host + " RUNNING " + when).atMost(RECOVERY_BOUND)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        JsonNode v = s.watcher().latest(host);
                        return v != null && "RUNNING".equals(v.path("state").asText())
                                && "FRESH".equals(v.path("evidence").path("storage").path("status").asText());
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(host + " not RUNNING with storage FRESH " + when + " within "
                    + RECOVERY_BOUND.toSeconds() + " s (states " + s.watcher().states(host) + ", verdict "
                    + s.watcher().latest(host) + ")", e);
        }
    }

    private static void dwell(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
