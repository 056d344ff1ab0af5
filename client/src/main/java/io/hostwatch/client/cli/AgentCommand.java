package io.hostwatch.client.cli;

import io.hostwatch.client.Durations;
import io.hostwatch.client.agent.AgentConfig;
import io.hostwatch.client.agent.MemberAgent;
import io.hostwatch.client.zk.ZkTls;
import io.hostwatch.schema.HostwatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hostwatch agent}: runs the member agent in the foreground until SIGTERM or SIGINT. */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {
            "Runs the member agent of this host in the foreground: holds its heartbeat znode in ZooKeeper "
                    + "and rewrites its storage slot <storage>/<group>/<host>.hb.",
            "SIGTERM or SIGINT stops it gracefully (storage records STOPPING, the znode is marked leaving, "
                    + "then removed) and it exits with status 0.",
            ""},
        footer = {
            "",
            "--config FILE holds the same settings as 'key: value' lines, keys named like the flags without "
                    + "dashes (zk, group, host, address, storage, session-timeout, connection-timeout, "
                    + "storage-interval, health-command, pid-file, health-interval, health-failures, "
                    + "registration-wait, isolation-address, fence-after, isolation-response, "
                    + "isolation-response-timeout, ready-file, zk-tls-keystore, zk-tls-truststore, "
                    + "zk-tls-password-file); '#' starts a comment; flags given on the command line win; "
                    + "several isolation addresses are separated by commas. Example:",
            "  zk: zk1:2181,zk2:2181",
            "  host: compute-17",
            "  address: 10.0.0.17",
            "  storage: /var/lib/nova/instances/hostwatch",
            "",
            "Durations: 500ms, 6s, 2m, 1h or ISO-8601 (PT6S).",
            "The agent never exits because ZooKeeper is unreachable: its storage heartbeat and isolation guard "
                    + "run and it keeps trying to register; 'member ... registered' is logged (and --ready-file "
                    + "written) once it is.",
            "Exit status: 0 stopped by a signal, 1 start failure such as an unwritable storage directory (one "
                    + "'error:' line on stderr, nothing registered), 2 bad usage."})
public final class AgentCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--zk", paramLabel = "CONNECT", description = "ZooKeeper connect string (zk1:2181,zk2:2181). Required.")
    String zk;

    @Option(names = "--group", paramLabel = "G", description = "Service group (default: compute).")
    String group;

    @Option(names = "--host", paramLabel = "NAME", description = "This host's name, an RFC 1123 label. Required.")
    String host;

    @Option(names = "--address", paramLabel = "IP",
            description = "Management IP address the detector pings; a literal address, not a name. Required.")
    String address;

    @Option(names = "--storage", paramLabel = "DIR", description = "Shared storage directory. Required.")
    Path storage;

    @Option(names = "--session-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "ZooKeeper session timeout (default: 6s).")
    Duration sessionTimeout;

    @Option(names = "--connection-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long one attempt to connect to ZooKeeper may take (default: 3s); the agent keeps "
                    + "trying until it is registered.")
    Duration connectionTimeout;

    @Option(names = "--storage-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the storage slot is rewritten (default: 1s).")
    Duration storageInterval;

    @Option(names = "--health-command", paramLabel = "CMD",
            description = "Shell command checking the supervised service; exit status 0 = healthy.")
    String healthCommand;

    @Option(names = "--pid-file", paramLabel = "FILE",
            description = "Pid file of the supervised service; healthy while that process runs.")
    Path pidFile;

    @Option(names = "--health-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How often the service is checked, and the health command's timeout (default: 2s).")
    Duration healthInterval;

    @Option(names = "--health-failures", paramLabel = "N",
            description = "Failed checks in a row before the service counts as down (default: 2).")
    Integer healthFailures;

    @Option(names = "--registration-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for a previous agent's znode to expire (default: 4 x session timeout).")
    Duration registrationWait;

    @Option(names = "--isolation-address", paramLabel = "IP",
            description = "Address that answers while this host's network works; repeatable "
                    + "(default: the host's IPv4 default gateway).")
    List<String> isolationAddresses;

    @Option(names = "--fence-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Isolation lasting this long runs the isolation response (default: 30s).")
    Duration fenceAfter;

    @Option(names = "--isolation-response", paramLabel = "CMD",
            description = "Shell command fencing this host once isolated, e.g. stopping its VMs; exit status 0 "
                    + "= fenced (default: none, never fenced).")
    String isolationResponse;

    @Option(names = "--isolation-response-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the isolation response may run before it is killed (default: 30s).")
    Duration isolationResponseTimeout;

    @Option(names = "--ready-file", paramLabel = "FILE",
            description = "Written (with this process's incarnation) once the heartbeat znode is registered, "
                    + "removed at stop; its directory must exist. For scripts that wait for the agent.")
    Path readyFile;

    @Option(names = "--zk-tls-keystore", paramLabel = "FILE",
            description = "Speak TLS to ZooKeeper with this host's key store (PKCS12, or JKS by name): its "
                    + "certificate is this host's identity (docs/security.md). Needs --zk-tls-truststore "
                    + "and --zk-tls-password-file.")
    Path zkTlsKeystore;

    @Option(names = "--zk-tls-truststore", paramLabel = "FILE",
            description = "Trust store holding the CA of the ZooKeeper servers' certificates.")
    Path zkTlsTruststore;

    @Option(names = "--zk-tls-password-file", paramLabel = "FILE",
            description = "File whose first line is the password of both stores.")
    Path zkTlsPasswordFile;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file of 'key: value' lines (see below).")
    Path config;

    @Override
    public Integer call() {
        Map<String, String> file = fileSettings();
        AgentConfig agentConfig = agentConfig(file);
        ReadyFile ready = readyFile(file);
        ready.remove(); // a file left by an earlier process says nothing about this one
        CountDownLatch stop = new CountDownLatch(1);
        MemberAgent agent = new MemberAgent(agentConfig);
        agent.onRegistered(() -> ready.write(agent.incarnation().toString()));
        StopSignals.install(stop::countDown);
        // Any other way the JVM shuts down (SIGHUP, a signal not taken over) still stops gracefully;
        // after a normal stop the agent is closed already and this does nothing.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            ready.remove();
        }, "hostwatch-stop"));
        agent.start();
        log.info("agent running; SIGTERM or SIGINT stops it");
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agent.close();
        ready.remove();
        return 0;
    }

    private ReadyFile readyFile(Map<String, String> file) {
        Path path = new Setting(file).get(readyFile, "ready-file", Path::of);
        if (path == null) {
            return ReadyFile.NONE;
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--ready-file': directory "
                    + parent + " does not exist");
        }
        return new ReadyFile(path);
    }

    /** The command line merged over the --config file. */
    AgentConfig agentConfig(Map<String, String> file) {
        Setting s = new Setting(file);
        String zkValue = s.required(zk, "zk", "--zk=CONNECT");
        String hostValue = s.required(host, "host", "--host=NAME");
        String addressValue = s.required(address, "address", "--address=IP");
        Path storageValue = s.required(storage, "storage", "--storage=DIR", Path::of);
        Integer failures = s.get(healthFailures, "health-failures", v -> {
            try {
                return Integer.valueOf(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + v + "' is not a number");
            }
        });
        return AgentConfig.builder(hostValue, addressValue, zkValue, storageValue)
                .group(s.get(group, "group", Function.identity()))
                .sessionTimeout(s.get(sessionTimeout, "session-timeout", Durations::parse))
                .connectionTimeout(s.get(connectionTimeout, "connection-timeout", Durations::parse))
                .storageInterval(s.get(storageInterval, "storage-interval", Durations::parse))
                .healthCommand(s.get(healthCommand, "health-command", Function.identity()))
                .pidFile(s.get(pidFile, "pid-file", Path::of))
                .healthInterval(s.get(healthInterval, "health-interval", Durations::parse))
                .healthFailures(failures == null ? AgentConfig.DEFAULT_HEALTH_FAILURES : failures)
                .registrationWait(s.get(registrationWait, "registration-wait", Durations::parse))
                .isolationAddresses(s.get(isolationAddresses, "isolation-address", AgentCommand::addressList))
                .fenceAfter(s.get(fenceAfter, "fence-after", Durations::parse))
                .isolationResponse(s.get(isolationResponse, "isolation-response", Function.identity()))
                .isolationResponseTimeout(s.get(isolationResponseTimeout, "isolation-response-timeout",
                        Durations::parse))
                .zkTls(zkTls(s))
                .build();
    }

    /** The TLS settings: none, or all three of key store, trust store and password file. */
    private ZkTls zkTls(Setting s) {
        Path keyStore = s.get(zkTlsKeystore, "zk-tls-keystore", Path::of);
        Path trustStore = s.get(zkTlsTruststore, "zk-tls-truststore", Path::of);
        Path passwordFile = s.get(zkTlsPasswordFile, "zk-tls-password-file", Path::of);
        if (keyStore == null && trustStore == null && passwordFile == null) {
            return null;
        }
        if (keyStore == null || trustStore == null || passwordFile == null) {
            throw new ParameterException(spec.commandLine(), "ZooKeeper TLS needs all of --zk-tls-keystore, "
                    + "--zk-tls-truststore and --zk-tls-password-file");
        }
        return ZkTls.fromPasswordFile(keyStore, trustStore, passwordFile);
    }

    /** A config file's list of addresses: separated by commas and/or blanks. */
    private static List<String> addressList(String value) {
        return Arrays.stream(value.split("[,\\s]+")).filter(a -> !a.isEmpty()).toList();
    }

    private Map<String, String> fileSettings() {
        if (config == null) {
            return Map.of();
        }
        try {
            return AgentConfigFile.read(config);
        } catch (AgentConfigFile.FormatException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (IOException e) {
            throw new HostwatchException("cannot read config file " + config + ": " + e);
        }
    }

    /** One setting: the flag when given, else the config file's value, else null. */
    private final class Setting {
        private final Map<String, String> file;

        Setting(Map<String, String> file) {
            this.file = file;
        }

        <T> T get(T flag, String key, Function<String, T> parse) {
            if (flag != null) {
                return flag;
            }
            String raw = file.get(key);
            if (raw == null) {
                return null;
            }
            try {
                return parse.apply(raw);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for '" + key + "' in " + config
                        + ": " + e.getMessage());
            }
        }

        String required(String flag, String key, String option) {
            return required(flag, key, option, Function.identity());
        }

        <T> T required(T flag, String key, String option, Function<String, T> parse) {
            T value = get(flag, key, parse);
            if (value == null) {
                throw new ParameterException(spec.commandLine(), "Missing required option: '" + option + "'"
                        + (config == null ? "" : " (or '" + key + ":' in " + config + ")"));
            }
            return value;
        }
    }
}
