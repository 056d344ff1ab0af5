package io.hostwatch.service.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.testing.BlackholePort;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ping probe on loopback: which method answered, ICMP not preempted by TCP, and ICMP required. */
@Timeout(60)
class PingProbeTest {
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // closed when this returns: a connection is refused at once
        }
    }

    private static void requireRawSockets() {
        if (PingProbe.hasRawSocketCapability()) {
            return;
        }
        String why = "needs CAP_NET_RAW (root) to send ICMP echo";
        if ("true".equals(System.getenv("CI"))) {
            fail(why + ", and CI=true");
        }
        assumeTrue(false, why);
    }

    @Test
    void evidenceSaysTheTcpRefusalAnswered() throws Exception {
        try (PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(closedPort()), PingProbe.IcmpMode.NEVER, 2,
                Clock.systemUTC())) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.OK);
            assertThat(p.method()).startsWith("tcp:");
            assertThat(p.detail()).contains("refused");
        }
    }

    @Test
    void silentPortWithoutIcmpFails() throws Exception {
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(500), List.of(silent.port()), PingProbe.IcmpMode.NEVER, 2,
                     Clock.systemUTC())) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.FAIL);
            assertThat(p.detail()).contains("no answer on tcp");
        }
    }

    @Test
    void requiringIcmpWithoutIcmpIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new PingProbe(Duration.ofMillis(500), List.of(22), PingProbe.IcmpMode.NEVER, 2,
                Clock.systemUTC(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requireIcmp");
    }

    @Test
    void aTcpResetDoesNotCountWhenIcmpIsRequiredAndTheEchoDecides() throws Exception {
        requireRawSockets();
        try (PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(closedPort()), PingProbe.IcmpMode.ALWAYS,
                2, Clock.systemUTC(), true)) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.OK);
            assertThat(p.method()).isEqualTo("icmp");
            assertThat(p.detail()).isEqualTo("echo reply");
        }
    }

    @Test
    void theEchoIsSentAtOnceNotAfterTheTcpAttempt() throws Exception {
        requireRawSockets();
        // TCP never answers; the echo must not wait for a TCP window first
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(silent.port()), PingProbe.IcmpMode.ALWAYS,
                     2, Clock.systemUTC())) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.OK);
            assertThat(p.method()).isEqualTo("icmp");
            assertThat(p.rttMicros()).as("answered by the echo, not after a 100 ms TCP window").isLessThan(100_000);
        }
    }
}
