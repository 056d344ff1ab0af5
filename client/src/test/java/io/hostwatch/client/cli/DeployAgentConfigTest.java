package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.client.agent.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code deploy/config/agent.conf}, the production example, is a settings file the agent accepts. */
@Timeout(20)
class DeployAgentConfigTest {
    @TempDir
    Path tmp;

    private static final Path EXAMPLE = Path.of("..", "deploy", "config", "agent.conf");

    @Test
    void theProductionExampleParsesIntoAValidAgentConfiguration() throws Exception {
        AgentCommand command = new AgentCommand();
        new CommandLine(command).parseArgs("--config", EXAMPLE.toString());
        Map<String, String> settings = new HashMap<>(AgentConfigFile.read(EXAMPLE));
        assertThat(settings).containsKeys("zk-tls-keystore", "zk-tls-truststore", "zk-tls-password-file");
        // The stores and the password file are checked at start-up; this machine has none in /etc/hostwatch.
        settings.put("zk-tls-keystore", Files.writeString(tmp.resolve("host.p12"), "").toString());
        settings.put("zk-tls-truststore", Files.writeString(tmp.resolve("ca.p12"), "").toString());
        settings.put("zk-tls-password-file", Files.writeString(tmp.resolve("password"), "secret\n").toString());
        AgentConfig config = command.agentConfig(settings);
        assertThat(config.connectString().split(",")).hasSize(3);
        assertThat(config.id().host()).isEqualTo("compute-017");
        assertThat(config.isolationAddresses()).hasSize(2);
        assertThat(config.isolationResponseCommand()).isPresent();
        assertThat(config.healthCheck()).isPresent();
    }
}
