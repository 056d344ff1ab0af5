package io.hostwatch.acceptance.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.acceptance.soak.HistoryChecker.NovaCall;
import io.hostwatch.acceptance.soak.NemesisEvent.Phase;
import io.hostwatch.service.nova.OpenStackStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nemesis soak: six member hosts, three ZooKeeper servers, two service instances with Nova on,
 * a seeded random schedule of overlapping faults from the whole matrix, a settle phase, then the
 * {@link HistoryChecker} over the nemesis log, the verdict history read from ZooKeeper, the brake
 * records and the Nova calls. Zero violations required.
 *
 * <p>{@code -Dhostwatch.soak.seed=N} (default 709: its 120 s draw every kind of fault) and
 * {@code -Dhostwatch.soak.seconds=S} (seconds of faults, default 120) choose the run; the same seed and length replay the same
 * schedule exactly (it is printed first, and logged). {@code -Dhostwatch.soak.sessionSeconds}
 * (default 4) sets the session timeout. Out-of-band fencing is on by default: every host has a
 * real BMC ({@code ipmi_sim}, asked with {@code ipmitool lanplus}) wired to its namespace, the group
 * is configured with fencing, and the checker judges the double faults like everything else, with
 * the BMCs' own logs as ground truth; {@code -Dhostwatch.soak.outOfBandFencing=false} runs without
 * (the double faults then listed in a class of their own). The soak runs protected like the other
 * acceptance suites ({@link Protection}: TLS to ZooKeeper, enrolled agents with their own
 * certificates), its agents under libfaketime included. Output in
 * {@code target/soak/}: {@code schedule.txt}, {@code nemesis.jsonl}, {@code history.json},
 * {@code brakes.json}, {@code nova.json}, {@code bmc.json} (a {@link RecordedRun} the checker can judge again),
 * {@code soak.md}; {@code deploy/soak.sh} runs it and copies the report to {@code docs/soak.md}. Creating
 * {@code target/soak/stop} during a run cuts the fault phase short: faults not yet started are
 * skipped, the started ones healed, then the settle phase and the checks run as usual.
 */
@Timeout(value = 3, unit = TimeUnit.HOURS)
class SoakIT {
    static final long SEED = Long.getLong("hostwatch.soak.seed", 709L);
    static final Duration FAULTS = Duration.ofSeconds(Math.max(30, Math.min(6 * 3600, Long.getLong("hostwatch.soak.seconds", 120))));
    static final Duration SESSION = Duration.ofSeconds(Long.getLong("hostwatch.soak.sessionSeconds", 4));
    static final boolean FENCING = !"false".equalsIgnoreCase(System.getProperty("hostwatch.soak.outOfBandFencing"));
    static final List<String> HOSTS = List.of("m1", "m2", "m3", "m4", "m5", "m6");
    static final Set<String> RESPONDERS = Set.of("m1", "m3", "m5");
    static final Duration BRAKE_HOLD = Duration.ofSeconds(10);
    /**
     * An actionable verdict this long before the brake engages raced it: about a ping timeout and a
     * recheck, the spread of losses that must count together. No longer than the detector's settle window.
     */
    static final Duration BRAKE_RACE = Duration.ofSeconds(2);
    static final Duration SETTLE_BOUND = Duration.ofSeconds(180);
    static final Duration QUIET = Duration.ofSeconds(10);
    static final Path DIR = Path.of("target", "soak").toAbsolutePath();

    @Test
    void overlappingFaultsFromTheWholeMatrixGiveNoViolation() throws Exception {
        Privileges.requireRootWith("ip", "nft");
        Privileges.requireFile(SoakLab.LIBFAKETIME, "faketime");
        if (FENCING) {
            Privileges.requireRootWith("ipmi_sim", "ipmitool");
        }
        Schedule schedule = Schedule.generate(SEED, HOSTS, RESPONDERS, FAULTS, SESSION, FENCING);
        Files.createDirectories(DIR);
        Files.writeString(DIR.resolve("schedule.txt"), schedule.describe());
        System.out.println("[soak] replay with -Dhostwatch.soak.seed=" + SEED + " -Dhostwatch.soak.seconds="
                + FAULTS.toSeconds() + " -Dhostwatch.soak.sessionSeconds=" + SESSION.toSeconds()
                + " -Dhostwatch.soak.outOfBandFencing=" + FENCING + "\n"
                + schedule.describe());
        Instant wallStart = Instant.now();
        NemesisLog log = new NemesisLog(DIR.resolve("nemesis.jsonl"));
        try (SoakLab lab = new SoakLab(DIR, SESSION, HOSTS, RESPONDERS, FENCING)) {
            lab.logPowerTo(log);
            lab.start();
            try (Nemesis nemesis = new Nemesis(lab, log, BRAKE_HOLD)) {
                nemesis.startOperator();
                Instant origin = Instant.now();
                log.add(NemesisEvent.of(origin, Phase.BEGIN, SoakLab.GROUP, String.join(",", HOSTS)));
                Path stopFile = DIR.resolve("stop");
                Files.deleteIfExists(stopFile);
                nemesis.run(schedule, origin, () -> Files.exists(stopFile));
                Duration faulted = Duration.between(origin, Instant.now());
                log.add(NemesisEvent.of(Instant.now(), Phase.SETTLE, SoakLab.GROUP, "every fault healed"));
                lab.healAll();
                settle(lab);
                log.add(NemesisEvent.of(Instant.now(), Phase.END, SoakLab.GROUP, "settled"));
                for (NemesisEvent fence : fences(lab.fenceLog())) {
                    log.add(fence);
                }
                RecordedRun run = new RecordedRun(log.events(), HistoryReader.read(lab.zkConnect(), SoakLab.GROUP),
                        nemesis.brakes(), novaCalls(lab.stub()), lab.bmcCalls());
                run.writeBeside(DIR);
                HistoryChecker.Result result = run.check(bounds());
                String report = SoakReport.render(SEED, faulted, Duration.between(wallStart, Instant.now()),
                        lab.settings(), result, nemesis.failedSteps(), List.of(
                                "brake records seen: " + nemesis.brakes().size() + "; operator releases: "
                                        + log.events().stream().filter(e -> e.phase() == Phase.RELEASE).count(),
                                "out-of-band fencing configured: " + FENCING + (FENCING ? "; incarnations made actionable "
                                        + "after their BMC powered them off and confirmed it: "
                                        + incarnations(run, "powered off through its BMC") + ", after their BMC "
                                        + "reported them off with nothing sent: "
                                        + incarnations(run, "reports the power off") : ""),
                                "ZooKeeper protected (TLS, enrolled agents with their own certificates): "
                                        + Protection.active()));
                Files.writeString(DIR.resolve("soak.md"), report);
                System.out.println(report);
                assertThat(nemesis.failedSteps()).as("nemesis steps that failed (see nemesis.jsonl)").isZero();
                assertThat(result.violations()).as("violations of seed %d (replay: -Dhostwatch.soak.seed=%d "
                        + "-Dhostwatch.soak.seconds=%d)\n%s\nservice logs:\n%s", SEED, SEED, FAULTS.toSeconds(),
                        report, lab.serviceLogTails()).isEmpty();
            }
        }
    }

    /** Member incarnations with an actionable verdict whose reason contains {@code words}. */
    private static long incarnations(RecordedRun run, String words) {
        return run.history().stream().filter(v -> v.actionable() && v.reason() != null && v.reason().contains(words))
                .map(v -> v.host() + "/" + v.incarnation()).distinct().count();
    }

    static HistoryChecker.Bounds bounds() {
        return new HistoryChecker.Bounds(SESSION, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofSeconds(20), BRAKE_RACE, FENCING);
    }

    /** Waits (bounded) until every member is RUNNING, then stays a quiet while so late verdicts land too. */
    private static void settle(SoakLab lab) {
        try {
            await("every member RUNNING after the faults").atMost(SETTLE_BOUND).pollInterval(Duration.ofMillis(500))
                    .until(() -> HOSTS.stream().allMatch(h -> {
                        JsonNode v = lab.member(h);
                        return v != null && "RUNNING".equals(v.path("state").asText());
                    }));
        } catch (ConditionTimeoutException e) {
            System.out.println("[soak] not every member RUNNING after " + SETTLE_BOUND.toSeconds() + " s: the checker "
                    + "will say which");
            HOSTS.forEach(h -> System.out.println("[soak] " + h + ": " + lab.member(h) + "\n" + lab.agentLogTail(h)));
        }
        await("quiet").pollDelay(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> true);
    }

    /** What the isolation responses recorded: one line "epoch-millis host" each time one ran. */
    private static List<NemesisEvent> fences(Path file) throws java.io.IOException {
        List<NemesisEvent> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] p = line.trim().split("\\s+");
                if (p.length == 2 && p[0].matches("\\d+")) {
                    out.add(NemesisEvent.of(Instant.ofEpochMilli(Long.parseLong(p[0])), Phase.FENCE, p[1],
                            "isolation response ran"));
                }
            }
        }
        return out;
    }

    private static List<NovaCall> novaCalls(OpenStackStub stub) {
        List<NovaCall> out = new ArrayList<>();
        for (boolean down : List.of(true, false)) {
            for (OpenStackStub.Call c : stub.forcedDownCalls(down)) {
                String id = c.path.substring(c.path.lastIndexOf('/') + 1);
                var service = stub.compute.service(id);
                String host = service == null ? id : service.host.replace(SoakLab.SUFFIX, "");
                out.add(new NovaCall(c.at, host, down, c.status));
            }
        }
        return out;
    }
}
