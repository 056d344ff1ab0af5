package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.client.agent.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The agent's isolation flags and config keys. Nothing here reaches a ZooKeeper. */
@Timeout(10)
class AgentIsolationOptionsTest {
    @TempDir
    Path tmp;

    private AgentConfig parse(Map<String, String> file, String... args) {
        AgentCommand command = new AgentCommand();
        new CommandLine(command).parseArgs(args);
        return command.agentConfig(file);
    }

    @Test
    void flagsSetTheIsolationGuard() {
        AgentConfig config = parse(Map.of(), "--zk", "127.0.0.1:1", "--host", "h1", "--address", "127.0.0.41",
                "--storage", tmp.toString(), "--isolation-address", "127.0.0.42", "--isolation-address", "10.0.0.1",
                "--fence-after", "3s", "--isolation-response", "touch /tmp/fenced",
                "--isolation-response-timeout", "10s");
        assertThat(config.isolationAddresses()).containsExactly("127.0.0.42", "10.0.0.1");
        assertThat(config.fenceAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.isolationResponse()).isEqualTo("touch /tmp/fenced");
        assertThat(config.isolationResponseTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void configFileKeysAndFlagsWin() throws IOException {
        Path file = Files.writeString(tmp.resolve("agent.yml"), String.join("\n",
                "zk: 127.0.0.1:1", "host: h1", "address: 10.0.0.9", "storage: " + tmp,
                "isolation-address: 10.0.0.1, 10.0.0.2 10.0.0.3",
                "fence-after: 45s",
                "isolation-response: \"virsh list --name | xargs -r -n1 virsh destroy\"",
                "isolation-response-timeout: 1m", ""));
        AgentConfig fromFile = parse(AgentConfigFile.read(file));
        assertThat(fromFile.isolationAddresses()).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(fromFile.fenceAfter()).isEqualTo(Duration.ofSeconds(45));
        assertThat(fromFile.isolationResponse()).isEqualTo("virsh list --name | xargs -r -n1 virsh destroy");
        assertThat(fromFile.isolationResponseTimeout()).isEqualTo(Duration.ofMinutes(1));

        AgentConfig overridden = parse(AgentConfigFile.read(file), "--isolation-address", "10.9.9.9",
                "--isolation-response", "none");
        assertThat(overridden.isolationAddresses()).containsExactly("10.9.9.9");
        assertThat(overridden.isolationResponse()).isNull();
    }

    @Test
    void helpListsTheFlags() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new java.io.PrintWriter(out, true));
        assertThat(commandLine.execute("agent", "--help")).isZero();
        assertThat(out.toString()).contains("--isolation-address=IP", "--fence-after=DURATION",
                "--isolation-response=CMD", "--isolation-response-timeout=DURATION");
    }
}
