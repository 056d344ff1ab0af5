package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit statuses and messages of the command line, in-process. Nothing here reaches a ZooKeeper. */
@Timeout(30)
class HostwatchCliTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private String[] agent(String host, String storage) {
        return new String[] {"agent", "--zk", "127.0.0.1:1", "--group", "compute", "--host", host,
                "--address", "127.0.0.1", "--storage", storage};
    }

    @Test
    void helpAndVersion() {
        assertThat(run("agent", "--help")).isZero();
        assertThat(out.toString()).contains("--zk=CONNECT", "--session-timeout", "--config=FILE", "SIGTERM");
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("hostwatch ");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing command: one of agent");
        assertThat(run("agent", "--bogus")).isEqualTo(2);
        assertThat(run("agent", "--zk", "x", "--host", "h1", "--address", "127.0.0.1")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--storage=DIR'");
        assertThat(run("agent", "--session-timeout", "6q")).isEqualTo(2);
        assertThat(err.toString()).contains("'6q' is not a duration");
    }

    @Test
    void badHostNameExitsOneWithOneLineBeforeTouchingAnything() {
        Path storage = tmp.resolve("storage");
        assertThat(run(agent("../x", storage.toString()))).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("hostwatch agent: error: host name '../x' is not an RFC 1123 label "
                + "(letters, digits and inner hyphens only)" + System.lineSeparator());
        assertThat(storage).doesNotExist();
    }

    @Test
    void unwritableStorageExitsOne() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThat(run(agent("h1", file.toString()))).isEqualTo(1);
        assertThat(err.toString()).startsWith("hostwatch agent: error: storage directory ").contains("is not writable");
    }

    @Test
    void configFileSuppliesSettingsAndFlagsWin() throws IOException {
        Path config = Files.writeString(tmp.resolve("agent.yml"), String.join("\n",
                "zk: 127.0.0.1:1", "host: from-file", "address: 10.0.0.9", "storage: " + tmp.resolve("s"),
                "session-timeout: 10s", "health-failures: 3", ""));
        AgentCommand command = new AgentCommand();
        new CommandLine(command).parseArgs("--config", config.toString(), "--host", "from-flag");
        var agentConfig = command.agentConfig(AgentConfigFile.read(config));
        assertThat(agentConfig.host()).isEqualTo("from-flag");
        assertThat(agentConfig.address()).isEqualTo("10.0.0.9");
        assertThat(agentConfig.sessionTimeout()).hasSeconds(10);
        assertThat(agentConfig.healthFailures()).isEqualTo(3);

        Path bad = Files.writeString(tmp.resolve("bad.yml"), String.join("\n",
                "zk: 127.0.0.1:1", "host: h1", "address: 10.0.0.9", "storage: " + tmp.resolve("s"),
                "session-timeout: soon", ""));
        assertThat(run("agent", "--config", bad.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for 'session-timeout'");
    }
}
