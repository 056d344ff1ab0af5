package io.hostwatch.client.cli;

import io.hostwatch.client.HostwatchVersion;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code hostwatch}: the top command of {@code hostwatch.jar}. It only wires the verbs; each verb is
 * a {@code *Command} class listed in {@code subcommands}.
 */
@Command(name = "hostwatch", mixinStandardHelpOptions = true, versionProvider = HostwatchCli.Version.class,
        description = "Host-failure detector for OpenStack compute hosts: member agent and admin commands.",
        subcommands = {AgentCommand.class, MembersCommand.class, MemberCommand.class, HistoryCommand.class,
            WatchCommand.class, MaintenanceCommand.class, DetectorCommand.class, BrakeCommand.class,
            ForgetCommand.class, EnrollCommand.class, PowerCommand.class},
        footer = {"",
            "Admin commands use the REST API at --url: default $HOSTWATCH_URL, else",
            "http://localhost:8080. watch reads ZooKeeper at --zk: default $HOSTWATCH_ZK,",
            "else 127.0.0.1:2181. Read commands take --json. See 'hostwatch COMMAND --help'.",
            "Credentials as python-openstackclient takes them: OS_TOKEN, or OS_AUTH_URL with",
            "OS_USERNAME/OS_PASSWORD/OS_PROJECT_NAME or OS_APPLICATION_CREDENTIAL_ID/_SECRET;",
            "OS_CACERT for TLS; OS_CERT (and OS_KEY) for a client certificate (auth.type mtls);",
            "each also as --os-* option."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:not found (unknown member or group), or the service refused the request",
            "2:bad usage (unknown option, bad group or host name, a value the service rejects)",
            "3:service (or ZooKeeper, for watch) not reachable",
            "4:not allowed: no or invalid credentials (OS_* / --os-*), or a role without the permission"})
public final class HostwatchCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** Without a verb: a usage error listing the verbs. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    public static void main(String[] args) {
        // Without a SASL set-up the ZooKeeper client still resolves the server's name for a principal
        // (a reverse DNS lookup) on every connect, which stalls an isolated host's reconnects.
        // A deployment that uses SASL sets -Dzookeeper.sasl.client=true.
        if (System.getProperty("zookeeper.sasl.client") == null) {
            System.setProperty("zookeeper.sasl.client", "false");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (0 ok, 1 failure or not found, 2 usage, 3 unreachable). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for {@link #run} and for tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new HostwatchCli());
        commandLine.setExecutionExceptionHandler(HostwatchCli::onFailure);
        commandLine.setParameterExceptionHandler(HostwatchCli::onUsageError);
        return commandLine;
    }

    /** Bad usage: the problem and a pointer to --help (not the whole help text), exit 2. */
    private static int onUsageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        PrintWriter err = command.getErr();
        err.println(name + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A verb that fails prints one line, {@code hostwatch VERB: error: MESSAGE}, and exits 1, or the
     * status a {@link CliException} carries; with {@code --verbose} the stack trace follows.
     */
    private static int onFailure(Exception e, CommandLine command, ParseResult parsed) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getName();
        }
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": error: "
                + message.replaceAll("\\s*[\\r\\n]+\\s*", " "));
        ParseResult own = command.getParseResult();
        if (own != null && own.hasMatchedOption("--verbose")) {
            e.printStackTrace(command.getErr());
        }
        command.getErr().flush();
        return e instanceof CliException failure ? failure.exitCode() : 1;
    }

    /** The build's version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hostwatch " + HostwatchVersion.get()};
        }
    }
}
