package io.hostwatch.acceptance.harness;

import io.hostwatch.service.testing.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code java -jar service/target/hostwatch-service.jar server} on free loopback ports. */
public final class ServiceProcess extends ChildJvm {
    private final int port;
    private final int adminPort;

    private ServiceProcess(String name, List<String> prefix, List<String> jvmArgs, List<String> args, int port,
                           int adminPort) {
        super(name, prefix, jvmArgs, jar("hostwatch.serviceJar"), args);
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * Starts a service instance against {@code zk}.
     *
     * @param overrides further {@code dw.} settings, e.g. {@code detection.recheckInterval -> 2s}
     */
    public static ServiceProcess start(String name, String zk, Path storage, String sessionTimeout,
                                       Map<String, String> overrides) {
        return startIn(List.of(), name, zk, storage, sessionTimeout, overrides);
    }

    /** Starts a service instance under a command prefix (e.g. {@code env LD_PRELOAD=...}). */
    public static ServiceProcess startIn(List<String> prefix, String name, String zk, Path storage,
                                         String sessionTimeout, Map<String, String> overrides) {
        return startIn(prefix, name, null, zk, storage, sessionTimeout, overrides);
    }

    /**
     * Starts a service instance from the YAML file {@code config} (null: none), under a command
     * prefix; the settings of {@link #start} and {@code overrides} still apply on top of it. The
     * file must declare one application and one admin connector
     * ({@code server: {applicationConnectors: [{type: http}], adminConnectors: [{type: http}]}}),
     * whose ports and bind addresses are set here. A setting that is an object of its own and
     * empty by default, such as a secret's {@code {env: NAME}}, can only be given in the file: a
     * {@code -Ddw.} override cannot create it.
     */
    public static ServiceProcess startIn(List<String> prefix, String name, Path config, String zk, Path storage,
                                         String sessionTimeout, Map<String, String> overrides) {
        int port = freePort();
        int admin = freePort();
        List<String> args = new ArrayList<>();
        args.add("-Ddw.server.applicationConnectors[0].port=" + port);
        args.add("-Ddw.server.applicationConnectors[0].bindHost=127.0.0.1");
        args.add("-Ddw.server.adminConnectors[0].port=" + admin);
        args.add("-Ddw.server.adminConnectors[0].bindHost=127.0.0.1");
        args.add("-Ddw.zookeeper.connectString=" + zk);
        args.add("-Ddw.zookeeper.sessionTimeout=" + sessionTimeout);
        args.add("-Ddw.storage.root=" + storage);
        args.add("-Ddw.logging.level=INFO");
        args.addAll(Protection.serviceArgs());
        overrides.forEach((k, v) -> args.add("-Ddw." + k + "=" + v));
        List<String> command = config == null ? List.of("server") : List.of("server", config.toString());
        return new ServiceProcess(name, prefix, args, command, port, admin);
    }

    /**
     * Starts a service instance with its embedded ZooKeeper and nothing protected or bound by the
     * harness: the service's own defaults decide where it listens (the loopback default).
     *
     * @param overrides further {@code dw.} settings, e.g. {@code zookeeper.embedded.address -> 0.0.0.0}
     */
    public static ServiceProcess startEmbedded(String name, Path dataDir, Map<String, String> overrides) {
        int port = freePort();
        int admin = freePort();
        List<String> args = new ArrayList<>();
        args.add("-Ddw.server.applicationConnectors[0].port=" + port);
        args.add("-Ddw.server.adminConnectors[0].port=" + admin);
        args.add("-Ddw.zookeeper.embedded.port=" + freePort());
        args.add("-Ddw.zookeeper.embedded.dataDir=" + dataDir.resolve("zookeeper"));
        args.add("-Ddw.storage.root=" + dataDir.resolve("storage"));
        args.add("-Ddw.logging.level=INFO");
        overrides.forEach((k, v) -> args.add("-Ddw." + k + "=" + v));
        return new ServiceProcess(name, List.of(), args, List.of("server"), port, admin);
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    /** A port for a server to bind later: {@link FreePorts#next()}. */
    public static int freePort() {
        return FreePorts.next();
    }
}
