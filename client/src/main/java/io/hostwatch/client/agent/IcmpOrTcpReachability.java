package io.hostwatch.client.agent;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Reachability#icmpOrTcp()}: ICMP echo, then a TCP connect where a refusal is an answer. */
final class IcmpOrTcpReachability implements Reachability {
    private static final Logger log = LoggerFactory.getLogger(IcmpOrTcpReachability.class);

    private final int port;

    IcmpOrTcpReachability(int port) {
        this.port = port;
    }

    @Override
    public boolean answers(InetAddress address, Duration timeout) {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try {
            if (address.isReachable(millis)) {
                return true;
            }
        } catch (IOException e) {
            log.debug("ICMP probe of {} failed: {}", address.getHostAddress(), e.toString());
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), millis);
            return true;
        } catch (ConnectException e) {
            // "Connection refused": the address's stack sent a reset. Anything else (timed out,
            // network unreachable) never reached it.
            String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            return message.contains("refused");
        } catch (IOException | RuntimeException e) {
            log.debug("TCP probe of {}:{} failed: {}", address.getHostAddress(), port, e.toString());
            return false;
        }
    }

    @Override
    public String toString() {
        return "ICMP echo or TCP port " + port;
    }
}
