package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.InvalidNameException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class AgentConfigTest {
    private static final Path STORAGE = Path.of("/srv/hostwatch");

    private static AgentConfig.Builder builder() {
        return AgentConfig.builder("compute-1", "10.0.0.1", "zk1:2181,zk2:2181", STORAGE);
    }

    @Test
    void appliesTheDefaults() {
        AgentConfig config = builder().build();
        assertThat(config.group()).isEqualTo("compute");
        assertThat(config.id().toString()).isEqualTo("compute/compute-1");
        assertThat(config.sessionTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.connectionTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.storageInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.healthInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.healthFailures()).isEqualTo(2);
        assertThat(config.registrationWait()).isEqualTo(Duration.ofSeconds(24));
        assertThat(config.supervisesService()).isFalse();
        assertThat(config.healthCheck()).isEmpty();
    }

    @Test
    void registrationWaitFollowsTheSessionTimeout() {
        AgentConfig config = builder().sessionTimeout(Duration.ofSeconds(10)).build();
        assertThat(config.registrationWait()).isEqualTo(Duration.ofSeconds(40));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/b", "", "-a", "a-", "a.b", "with space", "a\u0000b",
            "0123456789012345678901234567890123456789012345678901234567890123"})
    void rejectsBadHostNames(String host) {
        assertThatThrownBy(() -> AgentConfig.builder(host, "10.0.0.1", "zk:2181", STORAGE).build())
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("host name");
    }

    @Test
    void rejectsABadGroupName() {
        assertThatThrownBy(() -> builder().group("..").build())
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("group name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "127.0.0.1", "::1", "fe80::1", "2001:db8::17", "::ffff:10.0.0.1"})
    void acceptsLiteralAddresses(String address) {
        assertThat(AgentConfig.builder("h1", address, "zk:2181", STORAGE).build().address()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "compute-1.example.org", "10.0.0", "10.0.0.256", "1.2.3.4.5", "0x7f.1",
            "::g", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "[::1]", "0.0.0.0", "::", "224.0.0.1", " ", "010.0.0.1", ".1::2"})
    void rejectsAnythingButALiteralHostAddress(String address) {
        assertThatThrownBy(() -> AgentConfig.builder("h1", address, "zk:2181", STORAGE).build())
                .isInstanceOf(HostwatchException.class)
                .hasMessageContaining("address");
    }

    @Test
    void rejectsBadDurationsAndCounts() {
        assertThatThrownBy(() -> builder().sessionTimeout(Duration.ZERO).build())
                .isInstanceOf(HostwatchException.class).hasMessage("session timeout must be positive, got 0s");
        assertThatThrownBy(() -> builder().storageInterval(Duration.ofMillis(-5)).build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("storage interval must be positive");
        assertThatThrownBy(() -> builder().healthFailures(0).build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("health failures");
        assertThatThrownBy(() -> builder().sessionTimeout(Duration.ofDays(30)).build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("too long");
    }

    @Test
    void rejectsMissingOrConflictingSettings() {
        assertThatThrownBy(() -> AgentConfig.builder("h1", "10.0.0.1", " ", STORAGE).build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("connect string is empty");
        assertThatThrownBy(() -> AgentConfig.builder("h1", "10.0.0.1", "zk:2181", null).build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("storage directory");
        assertThatThrownBy(() -> builder().healthCommand("true").pidFile(Path.of("/run/x.pid")).build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> builder().healthCommand("  ").build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("health command is empty");
    }

    @Test
    void choosesTheHealthCheck() {
        assertThat(builder().healthCommand("true").build().healthCheck()).get()
                .isInstanceOf(CommandHealthCheck.class);
        assertThat(builder().pidFile(Path.of("/run/nova.pid")).build().healthCheck()).get()
                .isInstanceOf(PidFileHealthCheck.class);
    }

    @Test
    void isolationDefaultsToTheGatewayAndNoResponse() {
        AgentConfig config = builder().build();
        assertThat(config.isolationAddresses()).isEmpty();
        assertThat(config.fenceAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.isolationResponse()).isNull();
        assertThat(config.isolationResponseCommand()).isEmpty();
        assertThat(config.isolationResponseTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.selfFenceDeadline(Duration.ofSeconds(6))).isEmpty();
        assertThat(builder().isolationResponse(" None ").build().isolationResponse()).isNull();
    }

    @Test
    void isolationAddressesAreLiteralsOnly() throws Exception {
        AgentConfig config = builder().isolationAddresses(List.of("10.0.0.254", " 2001:db8::1 ", "10.0.0.254")).build();
        assertThat(config.isolationAddresses()).containsExactly("10.0.0.254", "2001:db8::1");
        assertThat(config.isolationInetAddresses()).containsExactly(InetAddress.getByName("10.0.0.254"),
                InetAddress.getByName("2001:db8::1"));
        assertThatThrownBy(() -> builder().isolationAddresses(List.of("gateway.example.org")).build())
                .isInstanceOf(HostwatchException.class)
                .hasMessage("isolation address 'gateway.example.org' is not a literal IP address (host names are "
                        + "not accepted)");
        assertThatThrownBy(() -> builder().isolationResponse(" ").build())
                .isInstanceOf(HostwatchException.class).hasMessageContaining("isolation response is empty");
        assertThatThrownBy(() -> builder().fenceAfter(Duration.ZERO).build())
                .isInstanceOf(HostwatchException.class).hasMessage("fence-after must be positive, got 0s");
    }

    @Test
    void declaresASelfFenceDeadlineThatCoversDetectionAndTheResponse() {
        AgentConfig config = builder().isolationResponse("virsh list --name | xargs -r -n1 virsh destroy")
                .fenceAfter(Duration.ofSeconds(30)).isolationResponseTimeout(Duration.ofSeconds(20)).build();
        // 6 s session + (1 s check + 2 s probe) + 30 s fence-after + (1 s + 2 s) + 20 s response
        assertThat(config.selfFenceDeadline(Duration.ofSeconds(6))).contains(Duration.ofSeconds(62));
        assertThat(config.selfFenceDeadline(Duration.ofSeconds(10))).contains(Duration.ofSeconds(66));
        assertThat(config.selfFenceDeadline(Duration.ofSeconds(4))).contains(Duration.ofSeconds(62));
        AgentConfig two = builder().isolationResponse("true").isolationAddresses(List.of("10.0.0.1", "10.0.0.2"))
                .build();
        assertThat(two.selfFenceDeadline(null)).contains(Duration.ofSeconds(6 + 5 + 30 + 5 + 30));
    }
}
