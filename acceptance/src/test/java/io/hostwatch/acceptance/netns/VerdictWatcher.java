package io.hostwatch.acceptance.netns;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.Rest;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches every verdict of one group while a fault runs: {@code GET /v1/groups/{group}/members}
 * every 50 ms on a thread of its own. It keeps each host's sequence of states and flags every
 * {@code DEAD} or actionable verdict about a host that has not been powered off: the one error
 * that makes Nova start the same VM twice.
 */
public final class VerdictWatcher implements Closeable {
    private static final long PERIOD_MILLIS = 50;

    private final String url;
    private final String group;
    private final ScheduledExecutorService poller;
    private final Map<String, List<String>> states = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> latest = new ConcurrentHashMap<>();
    private final Set<String> poweredOff = ConcurrentHashMap.newKeySet();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    public VerdictWatcher(String baseUrl, String group) {
        this.url = baseUrl + "/v1/groups/" + group + "/members";
        this.group = group;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "verdict-watcher-" + group);
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** From now on, {@code DEAD} and actionable verdicts about {@code host} are expected. */
    public void poweredOff(String host) {
        poweredOff.add(host);
    }

    private void poll() {
        Rest.Reply r = Rest.get(url);
        if (r.status() != 200 || r.body() == null) {
            return;
        }
        for (JsonNode v : r.body().path("members")) {
            String host = v.path("host").asText();
            String state = v.path("state").asText();
            latest.put(host, v);
            List<String> seen = states.computeIfAbsent(host, h -> new CopyOnWriteArrayList<>());
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                seen.add(state);
            }
            boolean wrong = "DEAD".equals(state) || v.path("actionable").asBoolean();
            if (wrong && !poweredOff.contains(host)) {
                violations.add(group + "/" + host + " is live but was published " + state
                        + (v.path("actionable").asBoolean() ? " [actionable]" : "") + ": " + v);
            }
        }
    }

    /** The distinct states {@code host} went through, in order. */
    public List<String> states(String host) {
        return new ArrayList<>(states.getOrDefault(host, List.of()));
    }

    /** The last verdict seen for {@code host}, or null. */
    public JsonNode latest(String host) {
        return latest.get(host);
    }

    /** Every wrong DEAD or actionable verdict seen so far. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(6, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
