package io.hostwatch.acceptance.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.testing.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/**
 * {@code run OUT.json SERVICE_JAR CLASSPATH WORKDIR N K}: one run of the scale benchmark. Starts the
 * service on its embedded ZooKeeper, a fleet of {@code N-K} survivors and a fleet of {@code K}
 * members that will fail (each fleet one process, one ZooKeeper session), measures registration,
 * steady-state CPU and RSS, REST throughput (member GET against the admin {@code /ping}, wrk), then
 * makes the failing fleet's 127.2.x.x addresses silent with an nftables drop rule, {@code kill -9}s
 * it, and measures the time to {@code SUSPECT} and {@code DEAD} three ways: from ZooKeeper's
 * transaction log once the service stopped ({@link TxnLogTimes}: the close of the failing session
 * against each verdict write, on the server's clock), as a connection that only listens is told of
 * them, and as a Curator cache that reads each verdict sees them. Writes the figures as JSON. The
 * shared network lock ({@code /tmp/hostwatch-netns.lock}) is held only while the drop rule exists;
 * when it cannot be had within {@code hostwatch.bench.lockWaitSeconds}, the run kills the fleet
 * without the rule (its addresses still answer: the final verdict is {@code SERVICE_UNREACHABLE})
 * and says so.
 * {@code report OUT.md RUN.json...} writes the runs' section of {@code docs/benchmarks.md} (the worst of them).
 */
public final class ScaleBenchmark {
    static final String GROUP = "bench";
    private static final String NFT_TABLE = "hostwatch_bench";
    private static final Duration SESSION = Duration.ofSeconds(6);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);
    private static final String LOCK = "/tmp/hostwatch-netns.lock";
    /** How long a run waits for the network lock before it measures with the addresses still answering. */
    private static final Duration LOCK_WAIT = Duration.ofSeconds(
            Long.getLong("hostwatch.bench.lockWaitSeconds", 600));

    private final Map<MemberId, Long> deleted = new ConcurrentHashMap<>();
    private final Map<MemberId, Long> suspectAt = new ConcurrentHashMap<>();
    private final Map<MemberId, Long> finalAt = new ConcurrentHashMap<>();
    private final Map<MemberId, State> state = new ConcurrentHashMap<>();
    private final Map<MemberId, Long> runningAt = new ConcurrentHashMap<>();
    private final Map<MemberId, Long> registeredAt = new ConcurrentHashMap<>();
    private volatile long killedAt = Long.MAX_VALUE;
    private CuratorCache members;
    private ZooKeeper notifications;
    /** When ZooKeeper told a connection that reads nothing of each failing member's deletion. */
    private final Map<MemberId, Long> deletionNotified = new ConcurrentHashMap<>();
    /** The same on the wall clock, ms (to compare with ZooKeeper's log). */
    private final Map<MemberId, Long> deletionNotifiedWall = new ConcurrentHashMap<>();
    /** ... and of the first change of its verdict after that (the SUSPECT, or the final verdict if none). */
    private final Map<MemberId, Long> verdictNotified = new ConcurrentHashMap<>();

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "members" -> MemberFleet.run(args);
            case "run" -> new ScaleBenchmark().run(Path.of(args[1]), args[2], args[3], Path.of(args[4]),
                    Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            case "report" -> BenchReport.write(Path.of(args[1]), Arrays.stream(args).skip(2).map(Path::of).toList());
            default -> throw new IllegalArgumentException("members | run | report");
        }
    }

    private void run(Path out, String jar, String cp, Path work, int n, int k) throws Exception {
        Files.createDirectories(work);
        Path storage = Files.createDirectories(work.resolve("storage"));
        int app = FreePorts.next();
        int admin = FreePorts.next();
        int zkPort = FreePorts.next();
        String zk = "127.0.0.1:" + zkPort;
        Path config = work.resolve("hostwatch.yml");
        Files.writeString(config, """
                server:
                  applicationConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  adminConnectors: [{type: http, port: %d, bindHost: 127.0.0.1}]
                  requestLog: {appenders: []}
                logging: {level: WARN}
                zookeeper:
                  sessionTimeout: %ds
                  embedded: {address: 127.0.0.1, port: %d, dataDir: %s}
                storage: {root: %s}
                ping: {timeout: %dms}
                """.formatted(app, admin, SESSION.toSeconds(), zkPort, work.resolve("zk"), storage,
                PING_TIMEOUT.toMillis()));
        ObjectNode result = Json.mapper().createObjectNode();
        result.put("n", n).put("k", k).put("startedAt", java.time.Instant.now().toString())
                .put("loadAverage", Files.readString(Path.of("/proc/loadavg")).trim());
        List<Process> children = new ArrayList<>();
        try {
            // The collector of deploy/systemd/hostwatch-service.service; another for an experiment: -Dhostwatch.bench.serviceGc
            String gc = System.getProperty("hostwatch.bench.serviceGc", "").isBlank() ? "-XX:+UseParallelGC"
                    : System.getProperty("hostwatch.bench.serviceGc").trim();
            result.put("serviceGc", gc);
            List<String> serviceCommand = new ArrayList<>(List.of("java", "-Xmx384m", "-Xss512k", gc,
                    "-Xlog:gc:file=" + work.resolve("gc.log") + ":uptimenanos"));
            // extra options for an experiment (a profiler, another collector), e.g. -Dhostwatch.bench.serviceJvm="..."
            String extra = System.getProperty("hostwatch.bench.serviceJvm", "").trim();
            if (!extra.isEmpty()) {
                serviceCommand.addAll(Arrays.asList(extra.split("\\s+")));
                result.put("serviceJvmExtra", extra);
            }
            serviceCommand.addAll(List.of("-jar", jar, "server", config.toString()));
            Process service = start(children, work.resolve("service.log"), serviceCommand.toArray(String[]::new));
            HttpClient http = HttpClient.newHttpClient();
            await("service leads", Duration.ofSeconds(120), () -> get(http, "http://127.0.0.1:" + app
                    + "/v1/detector").contains("\"leader\":true"));
            try (CuratorFramework client = CuratorFrameworkFactory.newClient(zk, 30_000, 10_000,
                    new RetryNTimes(10, 500))) {
                client.start();
                client.blockUntilConnected(30, TimeUnit.SECONDS);
                watch(client);
                notifications = listen(zk);
                long t0 = System.nanoTime();
                Process survivors = start(children, work.resolve("survivors.log"), "java", "-Xmx512m", "-cp", cp,
                        ScaleBenchmark.class.getName(), "members", zk, GROUP, "0", String.valueOf(n - k), "1",
                        storage.toString(), String.valueOf(SESSION.toMillis()));
                Process failing = start(children, work.resolve("failing.log"), "java", "-Xmx256m", "-cp", cp,
                        ScaleBenchmark.class.getName(), "members", zk, GROUP, String.valueOf(n - k),
                        String.valueOf(k), "2", storage.toString(), String.valueOf(SESSION.toMillis()));
                await("all registered", Duration.ofSeconds(180), () -> registeredAt.size() >= n);
                long allRegistered = registeredAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                await("all RUNNING", Duration.ofSeconds(180), () -> runningAt.size() >= n);
                long allRunning = runningAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
                result.put("registerToAllRunningSeconds", seconds(allRunning - allRegistered));
                result.put("startToAllRunningSeconds", seconds(allRunning - t0));

                Thread.sleep(20_000); // settle into steady state (not an assertion: a measurement window)
                long pid = service.pid();
                double cpu = cpuPercent(pid, Duration.ofSeconds(30));
                result.put("steadyCpuPercentOfOneCore", cpu);
                result.put("steadyRssMb", rssMb(pid));
                result.put("threads", threads(pid));

                String member = "http://127.0.0.1:" + app + "/v1/groups/" + GROUP + "/members/" + MemberFleet.host(7);
                String ping = "http://127.0.0.1:" + admin + "/ping";
                double pingRate = wrk(ping);
                double getRate = wrk(member);
                double pingRate2 = wrk(ping);
                double getRate2 = wrk(member);
                result.put("pingRequestsPerSecond", (pingRate + pingRate2) / 2);
                result.put("memberGetRequestsPerSecond", (getRate + getRate2) / 2);
                result.put("getToPingRatio", (getRate + getRate2) / (pingRate + pingRate2));

                // The shared network lock is held only while the drop rule exists (other suites queue on it).
                Process lock = new ProcessBuilder("flock", "-w", String.valueOf(LOCK_WAIT.toSeconds()), LOCK, "sh",
                        "-c", "echo locked; exec cat").redirectErrorStream(true).start();
                children.add(lock);
                String first = new BufferedReader(new InputStreamReader(lock.getInputStream())).readLine();
                boolean silent = "locked".equals(first);
                result.put("failingAddressesSilent", silent);
                Map<MemberId, State> atEnd = new java.util.HashMap<>();
                // The failing fleet's one session: its close in ZooKeeper's log is the deletion of its znodes.
                long failingSession = members.get(ZkPaths.heartbeat(MemberId.of(GROUP, MemberFleet.host(n - 1))))
                        .map(d -> d.getStat().getEphemeralOwner()).orElseThrow();
                long killedWallMs;
                try {
                    if (silent) {
                        nft("add table inet " + NFT_TABLE, false);
                        nft("add chain inet " + NFT_TABLE + " out { type filter hook output priority 0 ; }", false);
                        nft("add rule inet " + NFT_TABLE + " out ip daddr 127.2.0.0/16 drop", false);
                    }
                    killedWallMs = System.currentTimeMillis();
                    killedAt = System.nanoTime();
                    failing.destroyForcibly(); // SIGKILL
                    await("all failing members final", Duration.ofSeconds(120), () -> finalCount(n, k) >= k);
                    Thread.sleep(2_000);
                    // The verdicts while the addresses are silent: once the rule goes, a recheck finds
                    // them answering again and rightly turns DEAD into SERVICE_UNREACHABLE.
                    atEnd.putAll(state);
                } finally {
                    nft("delete table inet " + NFT_TABLE, true);
                    lock.getOutputStream().close(); // cat ends, flock releases the lock
                    lock.waitFor(10, TimeUnit.SECONDS);
                }
                List<Long> toSuspect = new ArrayList<>();
                List<Long> toFirstRead = new ArrayList<>();
                List<Long> toFinal = new ArrayList<>();
                List<Long> killToFinal = new ArrayList<>();
                List<Long> killToDeletion = new ArrayList<>();
                int dead = 0;
                int serviceUnreachable = 0;
                for (int i = n - k; i < n; i++) {
                    MemberId id = MemberId.of(GROUP, MemberFleet.host(i));
                    Long del = deleted.get(id);
                    if (atEnd.get(id) == State.DEAD) {
                        dead++;
                    } else if (atEnd.get(id) == State.SERVICE_UNREACHABLE) {
                        serviceUnreachable++;
                    }
                    if (del != null && suspectAt.containsKey(id)) {
                        toSuspect.add(suspectAt.get(id) - del);
                    }
                    // A SUSPECT that its final verdict replaced before the watcher read it was published
                    // no later than that final verdict was read: counted then (an upper bound).
                    Long firstRead = suspectAt.containsKey(id) ? suspectAt.get(id) : finalAt.get(id);
                    if (del != null && firstRead != null) {
                        toFirstRead.add(firstRead - del);
                    }
                    if (del != null && finalAt.containsKey(id)) {
                        toFinal.add(finalAt.get(id) - del);
                    }
                    if (finalAt.containsKey(id)) {
                        killToFinal.add(finalAt.get(id) - killedAt);
                    }
                    if (del != null) {
                        killToDeletion.add(del - killedAt);
                    }
                }
                long disturbed = 0;
                for (int i = 0; i < n - k; i++) {
                    State s = atEnd.get(MemberId.of(GROUP, MemberFleet.host(i)));
                    if (s != State.RUNNING) {
                        disturbed++;
                    }
                }
                result.put("dead", dead);
                result.put("serviceUnreachable", serviceUnreachable);
                result.put("survivorsNotRunning", disturbed);
                result.put("deletionToSuspectP50Seconds", seconds(percentile(toSuspect, 50)));
                result.put("deletionToSuspectP99Seconds", seconds(percentile(toSuspect, 99)));
                result.put("suspectsRead", toSuspect.size());
                result.put("deletionToSuspectOrFinalP50Seconds", seconds(percentile(toFirstRead, 50)));
                result.put("deletionToFinalP50Seconds", seconds(percentile(toFinal, 50)));
                result.put("deletionToFinalP99Seconds", seconds(percentile(toFinal, 99)));
                result.put("killToFinalP50Seconds", seconds(percentile(killToFinal, 50)));
                result.put("killToFinalP99Seconds", seconds(percentile(killToFinal, 99)));
                // ZooKeeper's part: the failing fleet's one session expired this long after the kill.
                result.put("killToDeletionP50Seconds", seconds(percentile(killToDeletion, 50)));
                List<MemberId> failingIds = new ArrayList<>();
                for (int i = n - k; i < n; i++) {
                    failingIds.add(MemberId.of(GROUP, MemberFleet.host(i)));
                }
                List<Long> notified = failingIds.stream()
                        .filter(id -> deletionNotified.containsKey(id) && verdictNotified.containsKey(id))
                        .map(id -> verdictNotified.get(id) - deletionNotified.get(id)).toList();
                result.put("notified", notified.size());
                result.put("notifiedDeletionToSuspectP50Seconds", ofAll(notified, k, 50));
                result.put("notifiedDeletionToSuspectP99Seconds", ofAll(notified, k, 99));
                notifications.close();
                survivors.destroyForcibly();
                // ZooKeeper's own times, from its log once the service (and its embedded server) stopped.
                service.destroy();
                service.waitFor(60, TimeUnit.SECONDS);
                TxnLogTimes log = TxnLogTimes.read(work.resolve("zk").resolve("data"), failingSession, GROUP);
                if (log.sessionClosedAt < 0) {
                    throw new IllegalStateException("ZooKeeper's log does not hold the close of session 0x"
                            + Long.toHexString(failingSession));
                }
                List<Long> published = millisToNanos(log.sinceClose(log.firstPublished, failingIds));
                List<Long> finals = millisToNanos(log.sinceClose(log.finalVerdict, failingIds));
                result.put("zkPublished", published.size());
                result.put("zkSuspectsWritten", log.sinceClose(log.suspect, failingIds).size());
                result.put("zkKillToSessionCloseSeconds", (log.sessionClosedAt - killedWallMs) / 1000.0);
                // ZooKeeper's part of the time to SUSPECT: from ordering the close to telling a listener of each deletion.
                List<Long> told = millisToNanos(log.sinceClose(deletionNotifiedWall, failingIds));
                result.put("zkCloseToDeletionToldP50Seconds", ofAll(told, k, 50));
                result.put("zkDeletionToSuspectP50Seconds", ofAll(published, k, 50));
                result.put("zkDeletionToSuspectP99Seconds", ofAll(published, k, 99));
                result.put("zkDeletionToFinalP50Seconds", ofAll(finals, k, 50));
                result.put("zkDeletionToFinalP99Seconds", ofAll(finals, k, 99));
                List<Long> killToFinalZk = millisToNanos(failingIds.stream().filter(log.finalVerdict::containsKey)
                        .map(id -> log.finalVerdict.get(id) - killedWallMs).toList());
                result.put("zkKillToFinalP99Seconds", ofAll(killToFinalZk, k, 99));
            }
        } finally {
            if (notifications != null) {
                notifications.close();
            }
            children.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
            children.forEach(Process::destroyForcibly);
        }
        Files.writeString(out, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(result));
        System.out.println(result.toPrettyString());
    }

    private long finalCount(int n, int k) {
        long c = 0;
        for (int i = n - k; i < n; i++) {
            if (finalAt.containsKey(MemberId.of(GROUP, MemberFleet.host(i)))) {
                c++;
            }
        }
        return c;
    }

    /** Watches heartbeats and verdicts, timestamping what the benchmark measures on this host's monotonic clock. */
    private void watch(CuratorFramework client) {
        members = CuratorCache.build(client, ZkPaths.MEMBERS);
        members.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(node -> ZkPaths.parseHeartbeat(node.getPath())
                        .ifPresent(id -> registeredAt.putIfAbsent(id, System.nanoTime())))
                .forDeletes(node -> ZkPaths.parseHeartbeat(node.getPath())
                        .ifPresent(id -> deleted.putIfAbsent(id, System.nanoTime())))
                .build());
        members.start();
        CuratorCache verdicts = CuratorCache.build(client, ZkPaths.VERDICTS);
        verdicts.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((old, node) -> ZkPaths.parse(ZkPaths.VERDICTS, node.getPath()).ifPresent(id -> {
                    long now = System.nanoTime();
                    Verdict v = Json.read(node.getData(), Verdict.class);
                    state.put(id, v.state());
                    if (v.state() == State.RUNNING) {
                        runningAt.putIfAbsent(id, now);
                    }
                    if (now - killedAt >= 0) {
                        if (v.state() == State.SUSPECT) {
                            suspectAt.putIfAbsent(id, now);
                        } else if (v.state() != State.RUNNING) {
                            finalAt.putIfAbsent(id, now);
                        }
                    }
                }))
                .build());
        verdicts.start();
    }

    /**
     * A connection of its own that only listens: the time ZooKeeper tells a subscriber of a change,
     * without the read that a cache does after it (and without waiting behind those reads).
     */
    private ZooKeeper listen(String zk) throws Exception {
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
        ZooKeeper z = new ZooKeeper(zk, 30_000, e -> {
            if (e.getState() == KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            z.close();
            throw new IllegalStateException("no ZooKeeper connection for the notifications within 30 s");
        }
        z.addWatch(ZkPaths.MEMBERS, (WatchedEvent e) -> {
            if (e.getType() == EventType.NodeDeleted) {
                long now = System.nanoTime();
                long wall = System.currentTimeMillis();
                ZkPaths.parseHeartbeat(e.getPath()).ifPresent(id -> {
                    deletionNotified.putIfAbsent(id, now);
                    deletionNotifiedWall.putIfAbsent(id, wall);
                });
            }
        }, AddWatchMode.PERSISTENT_RECURSIVE);
        z.addWatch(ZkPaths.VERDICTS, (WatchedEvent e) -> {
            long now = System.nanoTime();
            if (e.getType() == EventType.NodeDataChanged) {
                // the first change after the deletion (the same connection is told of both in ZooKeeper's order)
                ZkPaths.parse(ZkPaths.VERDICTS, e.getPath()).filter(deletionNotified::containsKey)
                        .ifPresent(id -> verdictNotified.putIfAbsent(id, now));
            }
        }, AddWatchMode.PERSISTENT_RECURSIVE);
        return z;
    }

    private static Process start(List<Process> children, Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        children.add(p);
        return p;
    }

    private static void nft(String command, boolean quiet) throws Exception {
        List<String> argv = new ArrayList<>(List.of("nft"));
        argv.addAll(Arrays.asList(command.split(" ")));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 && !quiet) {
            throw new IllegalStateException("nft " + command + ": " + output);
        }
    }

    private static double wrk(String url) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t2", "-c64", "-d10s", url).redirectErrorStream(true).start();
        double rate = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("Requests/sec:")) {
                    rate = Double.parseDouble(line.substring("Requests/sec:".length()).trim());
                }
                if (line.contains("Non-2xx")) {
                    throw new IllegalStateException("wrk " + url + ": " + line);
                }
            }
        }
        p.waitFor();
        return rate;
    }

    private static double cpuPercent(long pid, Duration window) throws Exception {
        long t0 = System.nanoTime();
        long c0 = cpuTicks(pid);
        Thread.sleep(window.toMillis());
        long c1 = cpuTicks(pid);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return Math.round((c1 - c0) / 100.0 / seconds * 1000) / 10.0; // USER_HZ = 100
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    private static long rssMb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    private static long threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static String get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static void await(String what, Duration atMost, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("benchmark: not within " + atMost + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** The p-th percentile in seconds of values that must cover all {@code k} failing members; -1 when some lack one. */
    private static double ofAll(List<Long> nanos, int k, int p) {
        return nanos.size() < k ? -1 : seconds(percentile(nanos, p));
    }

    private static List<Long> millisToNanos(List<Long> millis) {
        return millis.stream().map(TimeUnit.MILLISECONDS::toNanos).toList();
    }

    private static double seconds(long nanos) {
        return nanos < 0 ? -1 : Math.round(nanos / 1e6) / 1000.0;
    }
}
