package io.hostwatch.acceptance.harness;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A service process plus the agents of a test, closed together. */
public final class Cluster implements AutoCloseable {
    // Start-up waits are generous: on a loaded machine (a CI run beside other builds) JVMs start
    // slowly, and an agent never gives up registering, so a slow start is slow, not wrong.
    public static final String SESSION = "4s";

    private final String zk;
    private final Path storage;
    private final ServiceProcess service;
    private final List<AgentProcess> agents = new CopyOnWriteArrayList<>();

    private final String session;

    public Cluster(String zk, Path storage, Map<String, String> overrides) {
        this(zk, storage, SESSION, overrides);
    }

    /** A cluster whose service and agents use {@code session} as their session timeout. */
    public Cluster(String zk, Path storage, String session, Map<String, String> overrides) {
        this.zk = zk;
        this.storage = storage;
        this.session = session;
        this.service = ServiceProcess.start("service", zk, storage, session, overrides);
        awaitLeader(service);
    }

    public static void awaitLeader(ServiceProcess s) {
        await("service leads").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .failFast("service process exited: " + s.name(), () -> !s.isAlive())
                .until(() -> {
                    JsonNode d = Rest.get(s.url() + "/v1/detector").body();
                    return d != null && d.path("leader").asBoolean();
                });
    }

    public ServiceProcess service() {
        return service;
    }

    public String url() {
        return service.url();
    }

    /** Starts agents and waits until every one is RUNNING. */
    public List<AgentProcess> agents(String group, List<String> hosts, List<String> addresses, String... extra) {
        List<AgentProcess> started = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            AgentProcess a = AgentProcess.start(zk, group, hosts.get(i), addresses.get(i), storage, session, extra);
            agents.add(a);
            started.add(a);
        }
        // RUNNING as published by the leader (epoch >= 1), not only the registration seen by the cache.
        await("agents RUNNING").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200))
                .until(() -> hosts.stream().allMatch(h -> {
                    JsonNode v = member(group, h);
                    return v != null && "RUNNING".equals(v.path("state").asText()) && v.path("epoch").asLong() >= 1;
                }));
        return started;
    }

    public String state(String group, String host) {
        return Rest.state(service.url(), group, host);
    }

    public JsonNode member(String group, String host) {
        return Rest.get(service.url() + "/v1/groups/" + group + "/members/" + host).body();
    }

    @Override
    public void close() {
        agents.forEach(AgentProcess::close);
        service.close();
    }
}
