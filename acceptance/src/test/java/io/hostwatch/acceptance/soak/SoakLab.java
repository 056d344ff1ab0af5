package io.hostwatch.acceptance.soak;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Protection;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.acceptance.netns.JarSnapshot;
import io.hostwatch.acceptance.netns.NetnsBmc;
import io.hostwatch.acceptance.netns.NetnsHost;
import io.hostwatch.acceptance.netns.NetnsLab;
import io.hostwatch.acceptance.netns.SlotFreeze;
import io.hostwatch.acceptance.soak.NemesisEvent.Phase;
import io.hostwatch.service.nova.OpenStackStub;
import io.hostwatch.service.testing.FreePorts;
import io.hostwatch.service.testing.IpmiSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>With out-of-band fencing, every host has a real BMC ({@code ipmi_sim}, asked by the services
 * with the real {@code ipmitool}) wired to its namespace: a power-off through it takes the host's
 * bridge port down and kills every process in it. The group is configured with fencing. A host
 * that is powered off (by its BMC, or by a {@code POWER_LOSS}, which its BMC then reports) ignores
 * the nemesis until its fault heals; then, or as soon as no fault holds it, the operator powers it
 * on again and it boots: port up, clock right, a new agent (logged {@code POWER_ON}).
 */
final class SoakLab implements AutoCloseable {
    static final String GROUP = "soak";
    static final String SUFFIX = ".soak.example.com";
    static final String LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
    private static final String PASSWORD_VARIABLE = "HOSTWATCH_KEYSTONE_PASSWORD";
    /** The service's fencing timing with out-of-band fencing (its BMCs are configured after it). */
    static final String FENCING = """
            timeout: 5s
            confirmTimeout: 10s
            confirmInterval: 250ms
            settle: 5s
            retryInitialDelay: 1s
            retryMaxDelay: 4s
            reconcileInterval: 5s
            """;

    private final Path dir;
    private final Path storage;
    private final Duration session;
    private final List<String> hosts;
    private final Set<String> fencing;
    private final boolean outOfBand;
    private final Map<String, IpmiSimulator> bmcs = new LinkedHashMap<>();
    /** Per host, faults started and not yet healed. */
    private final Map<String, Integer> busy = new LinkedHashMap<>();
    private volatile NemesisLog powerLog;
    /** Per host powered off, when the lab first saw it off. */
    private final Map<String, Instant> offSince = new LinkedHashMap<>();
    /**
     * The operator powers a host on only once it has been off this long: the detector's fencing
     * attempt, which reads the power state after its power-off, must be able to see it off.
     */
    static final Duration OFF_AT_LEAST = Duration.ofSeconds(5);
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

    SoakLab(Path dir, Duration session, List<String> hosts, Set<String> fencing, boolean outOfBand) {
        this.dir = dir.toAbsolutePath();
        this.storage = this.dir.resolve("storage");
        this.session = session;
        this.hosts = List.copyOf(hosts);
        this.fencing = Set.copyOf(fencing);
        this.outOfBand = outOfBand;
    }

    /** Where the operator's power-ons are logged. */
    void logPowerTo(NemesisLog log) {
        this.powerLog = log;
    }

    /** Every call each host's BMC received, with the time the BMC ran it (its own log); empty without fencing. */
    List<HistoryChecker.BmcCall> bmcCalls() {
        List<HistoryChecker.BmcCall> out = new ArrayList<>();
        bmcs.forEach((h, sim) -> sim.timedCalls().forEach(c -> out.add(new HistoryChecker.BmcCall(c.at(), h,
                c.call()))));
        out.sort(java.util.Comparator.comparing(HistoryChecker.BmcCall::at));
        return out;
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
            specs.add(new InstanceSpec(null, FreePorts.next(), FreePorts.next(), FreePorts.next(), true, id,
                    ZooKeeperServers.TICK_MILLIS, -1, null, lab.rootAddress()));
        }
        zk = new TestingCluster(specs);
        zk.start();
        lab.onClose(zk);
        servers = new ArrayList<>(zk.getInstances());
        stub = OpenStackStub.start();
        lab.onClose(stub);
        if (outOfBand) {
            JarSnapshot.emptyDir(dir.resolve("bmc"));
            for (String h : hosts) {
                bmcs.put(h, NetnsBmc.start(lab, dir.resolve("bmc").resolve(h)));
            }
        }
        for (String h : hosts) {
            stub.compute.addService(h + SUFFIX);
        }
        Path config = serviceConfig();
        Map<String, String> overrides = Map.of("detection.recheckInterval", "1s",
                "detection.isolationAddresses", gateway.address(), "history.size", "10000");
        settings.put("session timeout (agents and detector)", session.toSeconds() + " s");
        settings.put("ZooKeeper", "3 servers (Curator TestingCluster), tick " + ZooKeeperServers.TICK_MILLIS + " ms");
        settings.put("service", "2 instances, " + overrides + ", Nova on (contract stub), reconcile 2 s");
        settings.put("out-of-band fencing", outOfBand ? "on: a BMC per host (ipmi_sim, IPMI over LAN, asked with "
                + "ipmitool lanplus), power-off = port down + every process of the host killed; fencing " + FENCING
                .replace('\n', ' ').replaceAll("\\s+", " ").trim() : "off");
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
            if (outOfBand) {
                NetnsBmc.wire(bmcs.get(h), net);
            }
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
        if (outOfBand) {
            StringBuilder f = new StringBuilder("fencing:\n");
            FENCING.lines().forEach(l -> f.append("  ").append(l).append('\n'));
            f.append("""
                      groups:
                        %s:
                          method: ipmi
                          address: 127.0.0.1
                          username: %s
                          password: {file: %s}
                          cipherSuite: 3
                          hosts:
                    """.formatted(GROUP, IpmiSimulator.USER, bmcs.values().iterator().next().passwordFile()));
            bmcs.forEach((h, sim) -> f.append("          ").append(h).append(": {port: ").append(sim.port())
                    .append("}\n"));
            yaml += f;
        }
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

    /**
     * Does one step of a fault of {@code kind} ({@code first}: the step that starts it, {@code last}:
     * the one that heals it); returns what was done, for the log. With out-of-band fencing, a host
     * that is powered off ignores the steps of its faults, and boots when the last one heals.
     */
    synchronized String apply(Schedule.Step step, FaultKind kind, boolean first, boolean last) {
        String h = step.target();
        if (!outOfBand || kind.scope() != FaultKind.Scope.HOST) {
            return apply(step);
        }
        if (first) {
            busy.merge(h, 1, Integer::sum);
        }
        try {
            IpmiSimulator bmc = bmcs.get(h);
            if (!bmc.poweredOn()) {
                if (last && offLongEnough(h)) {
                    return boot(h, "fault healed");
                }
                return step.action() + ": nothing done, the host is powered off" + (last ? " (powered on once off "
                        + OFF_AT_LEAST.toSeconds() + " s)" : "");
            }
            if (first && kind == FaultKind.POWER_LOSS) {
                // A real power loss: the BMC, on standby power, reports the power off from now on.
                bmc.setPower(false);
                offSince.put(h, Instant.now());
                nets.get(h).pullCable();
                agents.get(h).kill9();
                return "power lost (the BMC reports it off): port down, agent killed";
            }
            return apply(step);
        } finally {
            if (last) {
                busy.merge(h, -1, Integer::sum);
            }
        }
    }

    /**
     * The operator's round (every 500 ms): a host that has been powered off for {@link #OFF_AT_LEAST}
     * while no fault holds it (its fault healed meanwhile, or its BMC powered it off just after) is
     * powered on again.
     */
    synchronized void powerOnIdle() {
        for (String h : bmcs.keySet()) {
            if (!bmcs.get(h).poweredOn() && offLongEnough(h) && busy.getOrDefault(h, 0) <= 0) {
                boot(h, "no fault holds it");
            }
        }
    }

    private boolean offLongEnough(String h) {
        Instant since = offSince.computeIfAbsent(h, x -> Instant.now());
        return !Instant.now().isBefore(since.plus(OFF_AT_LEAST));
    }

    /** The operator powers a host on again: port up, clock right, storage writable, a new agent. */
    private String boot(String h, String why) {
        offSince.remove(h);
        bmcs.get(h).setPower(true);
        SlotFreeze f = frozen.remove(h);
        if (f != null) {
            f.close();
        }
        nets.get(h).plugCable();
        nets.get(h).clearFaults();
        try {
            Files.writeString(clockFile(h), "+0\n");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        agents.get(h).close();
        agents.put(h, startAgent(h));
        String detail = "operator powered the host on (" + why + "): new agent, pid " + agents.get(h).pid();
        NemesisLog log = powerLog;
        if (log != null) {
            log.add(NemesisEvent.of(Instant.now(), Phase.POWER_ON, h, detail));
        }
        return detail;
    }

    /** Does one step; returns what was done, for the log. */
    private String apply(Schedule.Step step) {
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
    synchronized void healAll() {
        busy.clear();
        for (String h : bmcs.keySet()) {
            if (!bmcs.get(h).poweredOn()) {
                boot(h, "every fault healed");
            }
        }
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
