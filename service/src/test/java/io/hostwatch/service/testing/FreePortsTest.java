package io.hostwatch.service.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreePortsTest {
    @Test
    void portsAreDistinctBindableAndBelowTheEphemeralRange() throws IOException {
        int ephemeralLow = FreePorts.below(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), Integer.MAX_VALUE);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
            assertThat(port).isBetween(20_000, ephemeralLow - 1);
        }
        int port = FreePorts.next();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortInUseIsSkipped() throws IOException {
        int port = FreePorts.next();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(port + 1));
            assertThat(FreePorts.next()).isNotEqualTo(port + 1);
        }
    }

    @Test
    void theRangeFollowsTheKernelsAndAnEphemeralRangeTooLowIsAClearError(@TempDir Path dir) throws IOException {
        Path range = dir.resolve("ip_local_port_range");
        Files.writeString(range, "32768\t60999\n");
        assertThat(FreePorts.below(range, 32_000)).isEqualTo(32_000);
        Files.writeString(range, "28000 60999\n");
        assertThat(FreePorts.below(range, 32_000)).isEqualTo(28_000);
        assertThat(FreePorts.below(dir.resolve("absent"), 32_000)).isEqualTo(32_000);
        Files.writeString(range, "1024 65535\n");
        assertThatThrownBy(() -> FreePorts.below(range, 32_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("starts at 1024");
    }
}
