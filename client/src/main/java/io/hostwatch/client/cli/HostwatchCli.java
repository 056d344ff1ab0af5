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
        subcommands = {AgentCommand.class})
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
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (0 ok, 1 failure, 2 usage). */
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

    /** A verb that fails prints one line, {@code hostwatch VERB: error: MESSAGE}, and exits 1. */
    private static int onFailure(Exception e, CommandLine command, ParseResult parsed) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getName();
        }
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": error: "
                + message.replaceAll("\\s*[\\r\\n]+\\s*", " "));
        command.getErr().flush();
        return 1;
    }

    /** The build's version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hostwatch " + HostwatchVersion.get()};
        }
    }
}
