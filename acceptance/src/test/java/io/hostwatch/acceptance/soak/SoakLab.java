package io.hostwatch.acceptance.soak;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.acceptance.netns.JarSnapshot;
import io.hostwatch.acceptance.netns.NetnsHost;
import io.hostwatch.acceptance.netns.NetnsLab;
import io.hostwatch.acceptance.netns.SlotFreeze;
import io.hostwatch.service.nova.OpenStackStub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * The soak's world: member hosts in network namespaces of lab {@code s} (198.18.4.0/24) on one
 * bridge, each running a real agent under libfaketime (its wall clock can be jumped through a file)
 * and writing to shared storage; a three-server ZooKeeper ensemble ({@link TestingCluster}, so
 * servers can be killed and restarted); two service instances with Nova integration on, against the
 * OpenStack contract stub. The servers listen on the lab's root address only. {@link #apply} does one step of the nemesis to it. Hosts in
 * {@link #fencing()} run an isolation response that appends the time to {@code fence.log}.
 */
final class SoakLab implements AutoCloseable {
    static final String GROUP = "soak";
    static final String SUFFIX = ".soak.example.com";
    static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
    private static final String PASSWORD_VARIABLE = "HOSTWATCH_KEYSTONE_PASSWORD";

    private final Path dir;
    private final Path storage;
    private final Duration session;
    private final List<String> hosts;
    private final Set<String> fencing;
    private final Map<String, NetnsHost> nets = new LinkedHashMap<>();
    private final Map<String, AgentProcess> agents = new LinkedHashMap<>();
    private final Map<String, SlotFreeze> frozen = new LinkedHashMap<>();
    private final List<ServiceProcess> services = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private ServiceProcess paused;
    private JarSnapshot jars;
    private NetnsLab lab;
    private NetnsHost gateway;
    private TestingCluster zk;
    private List<InstanceSpec> servers;
    private OpenStackStub stub;

    SoakLab(Path dir, Duration session, List<String> hosts, Set<String> fencing) {
        this.dir = dir.toAbsolutePath();
        this.storage = this.dir.resolve("storage");
        this.session = session;
        this.hosts = List.copyOf(hosts);
        this.fencing = Set.copyOf(fencing);
    }

    Set<String> fencing() {
        return fencing;
    }

    Map<String, String> settings() {
        return settings;
    }

    Path fenceLog() {
        return dir.resolve("fence.log");
    }

    /** Builds everything and waits until every member is RUNNING as published by a leader. */
    void start() throws Exception {
        jars = JarSnapshot.take("soak");
        SlotFreeze.unfreezeAll(storage);
        JarSnapshot.emptyDir(storage);
        Files.deleteIfExists(fenceLog());
        lab = NetnsLab.open("s", 4);
        gateway = lab.addGateway();
        System.setProperty("zookeeper.admin.enableServer", "false");
        Protection.secureServers();
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            // On the lab's root address: the members reach it over the bridge, the services locally.
            specs.add(new InstanceSpec(null, -1, -1, -1, true, id, ZooKeeperServers.TICK_MILLIS, -1, null,
                    lab.rootAddress()));
        }
        zk = new TestingCluster(specs);
        zk.start();
        lab.onClose(zk);
        servers = new ArrayList<>(zk.getInstances());
        stub = OpenStackStub.start();
        lab.onClose(stub);
        for (String h : hosts) {
            stub.compute.addService(h + SUFFIX);
        }
        Path config = serviceConfig();
        Map<String, String> overrides = Map.of("detection.recheckInterval", "1s",
                "detection.isolationAddresses", gateway.address(), "history.size", "10000");
        settings.put("session timeout (agents and detector)", session.toSeconds() + " s");
        settings.put("ZooKeeper", "3 servers (Curator TestingCluster), tick " + ZooKeeperServers.TICK_MILLIS + " ms");
        settings.put("service", "2 instances, " + overrides + ", Nova on (contract stub), reconcile 2 s");
        for (String name : List.of("service-a", "service-b")) {
            ServiceProcess s = ServiceProcess.startIn(List.of("env", PASSWORD_VARIABLE + "=" + OpenStackStub.PASSWORD),
                    name, config, zk.getConnectString(), storage, session.toSeconds() + "s", overrides);
            lab.adopt(s);
            services.add(s);
        }
        await("a leader").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> leader() != null);
        JarSnapshot.awaitJudging(leader(), session);
        for (String h : hosts) {
            NetnsHost net = lab.addHost();
            nets.put(h, net);
            Files.writeString(clockFile(h), "+0\n");
            agents.put(h, startAgent(h));
        }
        settings.put("members", hosts.size() + " hosts in network namespaces on bridge " + lab.bridge()
                + "; isolation response (fence-after 3 s) on " + fencing.stream().sorted().collect(Collectors.joining(", ")));
        await("every member RUNNING").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> hosts.stream().allMatch(h -> {
                    JsonNode v = member(h);
                    return v != null && "RUNNING".equals(v.path("state").asText()) && v.path("epoch").asLong() >= 1;
                }));
    }

    private Path clockFile(String host) {
        return dir.resolve("clock-" + host);
    }

    private AgentProcess startAgent(String h) {
        NetnsHost net = nets.get(h);
        List<String> prefix = new ArrayList<>(net.exec());
        // env execs java in place, so the agent's pid is the JVM's and signals reach it. Only the wall
        // clock is faked (re-read from the clock file every second); with FAKETIME_DONT_FAKE_MONOTONIC the
        // JVM hangs at start in libfaketime's monotonic condition-variable fix unless that fix is off.
        prefix.addAll(List.of("env", "LD_PRELOAD=" + LIBFAKETIME, "FAKETIME_TIMESTAMP_FILE=" + clockFile(h),
                "FAKETIME_CACHE_DURATION=1", "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_FORCE_MONOTONIC_FIX=0"));
        List<String> extra = new ArrayList<>(List.of("--isolation-address", gateway.address()));
        if (fencing.contains(h)) {
            // The response records the real time: the fake clock stays with the agent, not its children.
            extra.addAll(List.of("--isolation-response",
                    "echo \"$(env -u LD_PRELOAD date +%s%3N) " + h + "\" >> " + fenceLog(),
                    "--fence-after", "3s", "--isolation-response-timeout", "2s"));
        }
        return AgentProcess.startIn(prefix, memberZk(), GROUP, h, net.address(), storage, session.toSeconds() + "s",
                extra.toArray(String[]::new));
    }

    private String memberZk() {
        return zk.getConnectString();
    }

    String zkConnect() {
        return zk.getConnectString();
    }

    private Path serviceConfig() throws IOException {
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
                  reconcileInterval: 2s
                keystone:
                  authUrl: "%s"
                  username: %s
                  password: {env: %s}
                  projectName: %s
                  interface: internal
                  region: %s
                """.formatted(SUFFIX, stub.authUrl(), OpenStackStub.USER, PASSWORD_VARIABLE, OpenStackStub.PROJECT,
                OpenStackStub.REGION);
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("hostwatch-soak.yml"), yaml);
    }

    /** The instance that says it leads, or null. */
    ServiceProcess leader() {
        for (ServiceProcess s : services) {
            if (s != paused && s.isAlive()) {
                JsonNode d = Rest.get(s.url() + "/v1/detector").body();
                if (d != null && d.path("leader").asBoolean()) {
                    return s;
                }
            }
        }
        return null;
    }

    /** An instance that is not paused, to read from and to call as the operator. */
    private ServiceProcess anyLive() {
        return services.stream().filter(s -> s != paused && s.isAlive()).findFirst().orElse(services.get(0));
    }

    JsonNode member(String host) {
        Rest.Reply r = Rest.get(anyLive().url() + "/v1/groups/" + GROUP + "/members/" + host);
        return r.status() == 200 ? r.body() : null;
    }

    /** The group's brake as a service instance shows it, or null. */
    JsonNode brake() {
        Rest.Reply r = Rest.get(anyLive().url() + "/v1/groups/" + GROUP + "/brake");
        return r.status() == 200 ? r.body() : null;
    }

    /** The operator's release of the group's brake; true when the service accepted it. */
    boolean releaseBrake() {
        HttpRequest req = HttpRequest.newBuilder(URI.create(anyLive().url() + "/v1/groups/" + GROUP + "/brake"))
                .timeout(Duration.ofSeconds(5)).DELETE().build();
        int status = Rest.call(req).status();
        return status >= 200 && status < 300;
    }

    /** Does one step; returns what was done, for the log. */
    String apply(Schedule.Step step) {
        String h = step.target();
        switch (step.action()) {
            case CABLE_DOWN -> nets.get(h).pullCable();
            case CABLE_UP -> nets.get(h).plugCable();
            case AGENT_KILL -> agents.get(h).kill9();
            case AGENT_START -> {
                AgentProcess old = agents.get(h);
                old.close();
                agents.put(h, startAgent(h));
                return "agent started, pid " + agents.get(h).pid();
            }
            case AGENT_STOP -> agents.get(h).signal("STOP");
            case AGENT_CONT -> agents.get(h).signal("CONT");
            case ZK_CUT -> servers.forEach(s -> nets.get(h).cutTcpTo(lab.rootAddress(), s.getPort()));
            case ZK_RESTORE -> nets.get(h).clearFaults();
            case CLOCK_SET -> {
                try {
                    long offset = Long.parseLong(step.arg());
                    Files.writeString(clockFile(h), (offset >= 0 ? "+" : "") + offset + "\n");
                    return "wall clock offset " + offset + " s";
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            case SLOT_FREEZE -> {
                SlotFreeze f = SlotFreeze.freeze(storage.resolve(GROUP).resolve(h + ".hb"), agents.get(h).pid());
                frozen.put(h, f);
                return f.mechanism();
            }
            case SLOT_THAW -> {
                SlotFreeze f = frozen.remove(h);
                if (f != null) {
                    f.close();
                }
            }
            case ZK_KILL -> {
                try {
                    zk.killServer(servers.get(Integer.parseInt(step.arg()) - 1));
                } catch (Exception e) {
                    throw new IllegalStateException("kill " + h + ": " + e, e);
                }
            }
            case ZK_START -> {
                try {
                    zk.restartServer(servers.get(Integer.parseInt(step.arg()) - 1));
                } catch (Exception e) {
                    throw new IllegalStateException("restart " + h + ": " + e, e);
                }
            }
            case LEADER_STOP -> {
                ServiceProcess l = leader();
                if (l == null) {
                    return "no instance leads right now: nothing paused";
                }
                l.signal("STOP");
                paused = l;
                return "SIGSTOP " + l.name();
            }
            case LEADER_CONT -> {
                if (paused == null) {
                    return "nothing paused";
                }
                ServiceProcess p = paused;
                p.signal("CONT");
                paused = null;
                return "SIGCONT " + p.name();
            }
            default -> throw new IllegalArgumentException(step.action().toString());
        }
        return step.action().toString();
    }

    /** Undoes whatever a failed run may have left: every host back on its cable, thawed, running. */
    void healAll() {
        frozen.values().forEach(SlotFreeze::close);
        frozen.clear();
        if (paused != null) {
            paused.signal("CONT");
            paused = null;
        }
        for (String h : hosts) {
            nets.get(h).plugCable();
            nets.get(h).clearFaults();
            try {
                Files.writeString(clockFile(h), "+0\n");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            AgentProcess a = agents.get(h);
            if (a.isAlive()) {
                a.signal("CONT");
            } else {
                agents.put(h, startAgent(h));
            }
        }
    }

    OpenStackStub stub() {
        return stub;
    }

    String agentLogTail(String h) {
        AgentProcess a = agents.get(h);
        return a == null ? "" : tail(a.output());
    }

    String serviceLogTails() {
        return services.stream().map(s -> s.name() + ":\n" + tail(s.output())).collect(Collectors.joining("\n"));
    }

    private static String tail(String log) {
        String[] lines = log.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 15), lines.length));
    }

    @Override
    public void close() {
        try {
            for (AgentProcess a : agents.values()) {
                try {
                    a.close();
                } catch (RuntimeException e) {
                    System.err.println("soak: closing " + a.name() + ": " + e);
                }
            }
            frozen.values().forEach(SlotFreeze::close);
            if (paused != null) {
                paused.signal("CONT");
            }
            if (lab != null) {
                lab.close();
            }
        } finally {
            SlotFreeze.unfreezeAll(storage);
            if (jars != null) {
                jars.close();
            }
        }
    }
}
