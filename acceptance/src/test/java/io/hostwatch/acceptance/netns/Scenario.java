package io.hostwatch.acceptance.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Rest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One run of one row of the fault matrix: a fresh group {@code <row>-<run>} with a victim host and
 * zero or more peer hosts, each a namespace running a real agent, all RUNNING before the fault;
 * a {@link VerdictWatcher} on the group throughout. {@link #step} injects a fault, waits for the
 * victim's verdict, records it with its time, and checks it. {@link #finish()} checks that the
 * peers stayed RUNNING and that no live host was ever published DEAD or actionable. {@link #close()}
 * undoes the faults, stops the agents gracefully and removes the namespaces.
 */
public final class Scenario implements AutoCloseable {
    /**
     * What every scenario shares: the lab, ZooKeeper as the members reach it, storage, the service,
     * the agents' further arguments.
     */
    public record Testbed(NetnsLab lab, String memberZk, Path storage, String url, Duration session,
                          List<String> agentArgs, FaultFigures figures) {
    }

    /** A host of the scenario and its agent. */
    public record Member(String host, NetnsHost net, AgentProcess agent) {
        public Path slot(Path storage, String group) {
            return storage.resolve(group).resolve(host + ".hb");
        }
    }

    private static final Duration START_BOUND = Duration.ofSeconds(60);
    /** How long a wrong verdict is watched for the right one to follow (for the figures only). */
    private static final Duration CORRECTION_BOUND = Duration.ofSeconds(8);

    private final Testbed bed;
    private final String group;
    private final List<Member> members = new ArrayList<>();
    private final List<AutoCloseable> undo = new ArrayList<>();
    private VerdictWatcher watcher;

    private Scenario(Testbed bed, String group) {
        this.bed = bed;
        this.group = group;
    }

    /**
     * Starts the victim and {@code peers} peers of run {@code run} of {@code row}, and waits until
     * each is RUNNING with its storage heartbeat FRESH, and watched.
     */
    public static Scenario start(Testbed bed, String row, int run, int peers) {
        Scenario s = new Scenario(bed, row + "-" + run);
        try {
            List<String> hosts = new ArrayList<>(List.of("victim"));
            for (int i = 1; i <= peers; i++) {
                hosts.add("peer" + i);
            }
            for (String host : hosts) {
                NetnsHost net = bed.lab().addHost();
                AgentProcess agent = AgentProcess.startIn(net.exec(), bed.memberZk(), s.group, host, net.address(),
                        bed.storage(), bed.session().toSeconds() + "s", bed.agentArgs().toArray(String[]::new));
                s.members.add(new Member(host, net, agent));
            }
            for (Member m : s.members) {
                try {
                    await(s.group + "/" + m.host() + " RUNNING").atMost(START_BOUND)
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> steady(bed.url(), s.group, m.host()) || !m.agent().isAlive());
                } catch (ConditionTimeoutException e) {
                    fail(m.host() + " not RUNNING with storage FRESH within " + START_BOUND.toSeconds()
                            + " s; agent log:\n" + tail(m.agent().output()));
                }
                assertThat(m.agent().isAlive()).as(m.host() + " agent exited at start:\n" + tail(m.agent().output()))
                        .isTrue();
            }
            s.watcher = new VerdictWatcher(bed.url(), s.group);
            await(s.group + " watched").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> s.members.stream().allMatch(m -> s.watcher.latest(m.host()) != null));
            return s;
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    /** RUNNING, and the detector has seen its storage counter advance: the state every fault starts from. */
    private static boolean steady(String url, String group, String host) {
        JsonNode v = Rest.get(url + "/v1/groups/" + group + "/members/" + host).body();
        return v != null && "RUNNING".equals(v.path("state").asText())
                && "FRESH".equals(v.path("evidence").path("storage").path("status").asText());
    }

    public String group() {
        return group;
    }

    public Member victim() {
        return members.get(0);
    }

    public List<Member> peers() {
        return members.subList(1, members.size());
    }

    public VerdictWatcher watcher() {
        return watcher;
    }

    /** Undone (closed) before the agents stop, last registered first. */
    public void undoOnClose(AutoCloseable fault) {
        undo.add(0, fault);
    }

    /** The victim's verdict now, as the watcher last saw it. */
    public JsonNode verdict() {
        return watcher.latest(victim().host());
    }

    /**
     * Injects a fault and waits for the victim's verdict to settle, i.e. for a state outside
     * {@code transients} and no {@code SETTLING} hold; records what it became and when it was published, then asserts it.
     */
    public JsonNode step(String fault, String expected, FaultFigures.Kind kind, Runnable inject,
                         Set<String> transients) {
        // A verdict held only for the settle window (brake.settle) has not settled yet either.
        return step(fault, expected, kind, inject, v -> !transients.contains(v.path("state").asText())
                        && !v.path("holds").toString().contains("SETTLING"),
                v -> v.path("state").asText(), v -> v.path("since").asText(null));
    }

    /**
     * The general form: {@code settled} says when to stop waiting, {@code describe} what was
     * observed, {@code publishedAt} the verdict's publication time (ISO instant) to measure to.
     */
    public JsonNode step(String fault, String expected, FaultFigures.Kind kind, Runnable inject,
                         Predicate<JsonNode> settled, Function<JsonNode, String> describe,
                         Function<JsonNode, String> publishedAt) {
        Duration bound = bed.session().plusSeconds(20);
        Instant injected = Instant.now();
        inject.run();
        String host = victim().host();
        String observed;
        Long millis = null;
        try {
            await(group + "/" + host + " after " + fault).atMost(bound).pollInterval(Duration.ofMillis(25))
                    .until(() -> {
                        JsonNode v = watcher.latest(host);
                        return v != null && settled.test(v);
                    });
            JsonNode v = watcher.latest(host);
            observed = describe.apply(v);
            if (!observed.equals(expected)) {
                // Wrong: the step fails. Still see whether (and when) the right verdict follows, for the record.
                JsonNode later = awaitQuietly(host, w -> expected.equals(describe.apply(w)), CORRECTION_BOUND);
                if (later != null) {
                    observed = observed + " → " + expected;
                    v = later;
                }
            }
            if (expected.equals(describe.apply(v))) {
                millis = millisBetween(injected, publishedAt.apply(v));
            }
        } catch (ConditionTimeoutException e) {
            JsonNode v = watcher.latest(host);
            observed = (v == null ? "nothing" : describe.apply(v)) + " after " + bound.toSeconds() + " s";
        }
        bed.figures().record(fault, expected, kind, observed, millis, watcher.states(host));
        System.out.printf("[fault-matrix] %s/%s: %s -> %s in %s (states %s)%n", group, host, fault, observed,
                millis == null ? "-" : millis + " ms", watcher.states(host));
        assertThat(observed).as("%s/%s after '%s' (states seen: %s; verdict %s)\nagent log:\n%s", group, host, fault,
                watcher.states(host), watcher.latest(host), tail(victim().agent().output())).isEqualTo(expected);
        return watcher.latest(host);
    }

    private JsonNode awaitQuietly(String host, Predicate<JsonNode> condition, Duration bound) {
        try {
            await().atMost(bound).pollInterval(Duration.ofMillis(25)).until(() -> {
                JsonNode v = watcher.latest(host);
                return v != null && condition.test(v);
            });
            return watcher.latest(host);
        } catch (ConditionTimeoutException e) {
            return null;
        }
    }

    private static long millisBetween(Instant injected, String publishedAt) {
        Instant published = publishedAt == null ? Instant.now() : Instant.parse(publishedAt);
        return Math.max(0, Duration.between(injected, published).toMillis());
    }

    /** Asserts the victim's state stays {@code expected} for {@code duration} (a HOLD step). */
    public void hold(String fault, String expected, Duration duration, Runnable inject) {
        inject.run();
        String host = victim().host();
        String observed = expected;
        try {
            await(group + "/" + host + " stays " + expected).during(duration).atMost(duration.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> expected.equals(watcher.latest(host).path("state").asText()));
        } catch (ConditionTimeoutException e) {
            observed = watcher.latest(host).path("state").asText();
        }
        bed.figures().record(fault, expected, FaultFigures.Kind.HOLD, observed, null, watcher.states(host));
        assertThat(observed).as("%s/%s during '%s' (states seen: %s)", group, host, fault, watcher.states(host))
                .isEqualTo(expected);
    }

    /** The peers stayed RUNNING, and no live host was published DEAD or actionable. */
    public void finish() {
        for (Member peer : peers()) {
            assertThat(watcher.states(peer.host())).as(group + "/" + peer.host() + " (a peer) must stay RUNNING")
                    .containsOnly("RUNNING");
            assertThat(peer.agent().isAlive()).as(peer.host() + " agent alive").isTrue();
        }
        assertThat(watcher.violations()).as("wrong DEAD or actionable verdicts").isEmpty();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        for (AutoCloseable u : undo) {
            try {
                u.close();
            } catch (Exception e) {
                System.err.println("undoing a fault of " + group + ": " + e);
            }
        }
        for (Member m : members) {
            if (m.agent().isAlive()) {
                try {
                    m.agent().signal("CONT");
                    m.agent().signal("TERM");
                } catch (IllegalStateException gone) {
                    // exited meanwhile
                }
            }
        }
        for (Member m : members) {
            m.agent().waitForExit(10);
            m.agent().close();
            m.net().close();
        }
    }

    static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 25), lines.length));
    }
}
