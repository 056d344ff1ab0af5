package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AgentConfigFileTest {

    @Test
    void readsFlatKeyValueLines() {
        Map<String, String> values = AgentConfigFile.parse(List.of(
                "---",
                "# hostwatch agent",
                "zk: zk1:2181,zk2:2181   # the ensemble",
                "",
                "host: compute-17",
                "  address = 10.0.0.17",
                "health-command: \"systemctl is-active --quiet nova-compute # not a comment\"",
                "pid-file: '/run/nova/nova-compute.pid'",
                "session-timeout: 6s"), "agent.yml");
        assertThat(values).containsExactly(
                Map.entry("zk", "zk1:2181,zk2:2181"),
                Map.entry("host", "compute-17"),
                Map.entry("address", "10.0.0.17"),
                Map.entry("health-command", "systemctl is-active --quiet nova-compute # not a comment"),
                Map.entry("pid-file", "/run/nova/nova-compute.pid"),
                Map.entry("session-timeout", "6s"));
    }

    @Test
    void rejectsUnknownRepeatedAndMalformedLines() {
        assertThatThrownBy(() -> AgentConfigFile.parse(List.of("zookeeper: x"), "a.yml"))
                .hasMessageStartingWith("a.yml line 1: unknown key 'zookeeper'");
        assertThatThrownBy(() -> AgentConfigFile.parse(List.of("host: a", "host: b"), "a.yml"))
                .hasMessage("a.yml line 2: key 'host' is given twice");
        assertThatThrownBy(() -> AgentConfigFile.parse(List.of("just text"), "a.yml"))
                .hasMessage("a.yml line 1: expected 'key: value'");
        assertThatThrownBy(() -> AgentConfigFile.parse(List.of("host:"), "a.yml"))
                .hasMessage("a.yml line 1: no value");
        assertThatThrownBy(() -> AgentConfigFile.parse(List.of("host: \"h1"), "a.yml"))
                .hasMessage("a.yml line 1: unterminated quote");
    }
}
