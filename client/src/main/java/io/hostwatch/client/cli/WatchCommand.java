package io.hostwatch.client.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.hostwatch.client.watch.VerdictSubscriber;
import io.hostwatch.client.zk.ZkTls;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Names;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code hostwatch watch}: one line per verdict transition as it happens, read from ZooKeeper
 * through a {@link VerdictSubscriber} (not the REST API), until SIGINT or SIGTERM.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Prints one line per verdict transition (state, actionable or holds changed) the moment the "
                + "leader publishes it, read from ZooKeeper at --zk: when, member, old -> new state, and why. "
                + "Runs until Ctrl-C, SIGTERM or its output is closed (exit status 0).",
            "While the ZooKeeper connection is down nothing arrives (a line on stderr says so); when it is back, "
                    + "the current state of every member that changed meanwhile is printed, not the intermediate "
                    + "states. 'hostwatch history GROUP HOST' has every transition.",
            ""},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:stopped by Ctrl-C or SIGTERM", "2:bad usage or bad group name",
            "3:ZooKeeper not reachable at --zk within --connect-timeout"})
public final class WatchCommand implements Callable<Integer> {
    /** Curator's connection timeout; kept at or below the session timeout, as Curator expects. */
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = "--zk", paramLabel = "CONNECT", defaultValue = "${env:HOSTWATCH_ZK:-127.0.0.1:2181}",
            description = "ZooKeeper connect string (default: $HOSTWATCH_ZK, else 127.0.0.1:2181; "
                    + "now ${DEFAULT-VALUE}).")
    String zk;

    @Option(names = "--group", paramLabel = "G", description = "Only this group (default: all).")
    String group;

    @Option(names = "--all", description = "Every verdict update, not only transitions (reason or evidence "
            + "changes too).")
    boolean all;

    @Option(names = "--members", description = "Also a line when a member's heartbeat znode appears or goes.")
    boolean members;

    @Option(names = "--json", description = "One JSON object per line: {\"event\":\"verdict\"|\"removed\"|\"joined\""
            + "|\"left\", \"group\", \"host\", ...} with the full verdict.")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Option(names = "--session-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "6s", description = "ZooKeeper session timeout (default: ${DEFAULT-VALUE}).")
    Duration sessionTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10s", description = "How long to wait for ZooKeeper and the first read "
            + "(default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--zk-tls-keystore", paramLabel = "FILE",
            description = "Speak TLS to ZooKeeper with this key store (a reader identity, docs/security.md); "
                    + "needs --zk-tls-truststore and --zk-tls-password-file.")
    Path zkTlsKeystore;

    @Option(names = "--zk-tls-truststore", paramLabel = "FILE",
            description = "Trust store holding the CA of the ZooKeeper servers' certificates.")
    Path zkTlsTruststore;

    @Option(names = "--zk-tls-password-file", paramLabel = "FILE",
            description = "File whose first line is the password of both stores.")
    Path zkTlsPasswordFile;

    @Option(names = "--verbose", description = "Log what ZooKeeper and Curator do, and print stack traces.")
    boolean verbose;

    @Override
    public Integer call() {
        if (group != null) {
            Args.group(group);
        }
        quietLogging(verbose);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.install(stop::countDown);
        WatchPrinter printer = new WatchPrinter(out, err, Style.forTerminal(noColor), json, all, members,
                stop::countDown);
        VerdictSubscriber subscriber;
        try {
            subscriber = VerdictSubscriber.builder(zk, sessionTimeout)
                    .connectionTimeout(sessionTimeout.compareTo(CONNECTION_TIMEOUT) < 0 ? sessionTimeout
                            : CONNECTION_TIMEOUT)
                    .group(group == null ? null : Names.group(group)).listener(printer).tls(tls()).build();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "--zk '" + zk + "': " + e.getMessage(), e);
        }
        try (subscriber) {
            try {
                subscriber.start();
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "--zk '" + zk + "' is not a ZooKeeper connect string: "
                        + e.getMessage(), e);
            }
            if (!subscriber.awaitInitialized(connectTimeout)) {
                throw new CliException(ExitCodes.UNREACHABLE, "ZooKeeper not reachable at " + zk + " within "
                        + connectTimeout.toSeconds() + " s");
            }
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private ZkTls tls() {
        if (zkTlsKeystore == null && zkTlsTruststore == null && zkTlsPasswordFile == null) {
            return null;
        }
        if (zkTlsKeystore == null || zkTlsTruststore == null || zkTlsPasswordFile == null) {
            throw new CliException(ExitCodes.USAGE, "ZooKeeper TLS needs all of --zk-tls-keystore, "
                    + "--zk-tls-truststore and --zk-tls-password-file");
        }
        try {
            return ZkTls.fromPasswordFile(zkTlsKeystore, zkTlsTruststore, zkTlsPasswordFile);
        } catch (HostwatchException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** ZooKeeper's and Curator's logging would mix stack traces into a terminal's output. */
    private static void quietLogging(boolean verbose) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            for (String name : new String[] {"org.apache", "org.apache.curator", "org.apache.zookeeper",
                "org.apache.zookeeper.ClientCnxn"}) {
                context.getLogger(name).setLevel(verbose ? Level.INFO : Level.OFF);
            }
            Logger ours = context.getLogger("io.hostwatch");
            ours.setLevel(verbose ? Level.DEBUG : Level.WARN);
        }
    }
}
