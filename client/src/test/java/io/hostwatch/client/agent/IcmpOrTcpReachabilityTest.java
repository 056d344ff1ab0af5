package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The production probe on loopback, where everything answers: a listener, and a refusal alike. */
@Timeout(20)
class IcmpOrTcpReachabilityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void aListeningPortAnswers() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(new IcmpOrTcpReachability(listener.getLocalPort())
                    .answers(InetAddress.getLoopbackAddress(), TIMEOUT)).isTrue();
        }
    }

    @Test
    void aRefusedConnectionIsAnAnswer() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(new IcmpOrTcpReachability(closed).answers(InetAddress.getByName("127.0.0.9"), TIMEOUT)).isTrue();
    }
}
