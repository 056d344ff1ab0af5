package io.hostwatch.client.agent;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Whether an address answers: the agent's probe of its isolation addresses.
 *
 * <p>An address answers when anything there replies: an ICMP echo reply, an accepted TCP
 * connection, or a refused one (a reset comes from a live network stack). Only silence until the
 * timeout, or an error that never reached the address, counts as no answer.
 */
public interface Reachability {
    /** The TCP port probed besides ICMP: ssh, open or refused on nearly every host and router. */
    int DEFAULT_TCP_PORT = 22;

    /**
     * Probes {@code address}, taking at most about twice {@code timeout}. Must not throw.
     *
     * @return true when the address answered
     */
    boolean answers(InetAddress address, Duration timeout);

    /**
     * The production probe: ICMP echo where the process may send it ({@link InetAddress#isReachable},
     * which without CAP_NET_RAW falls back to a TCP connect to port 7), then a TCP connect to
     * {@link #DEFAULT_TCP_PORT}, a refused connection counting as an answer.
     */
    static Reachability icmpOrTcp() {
        return new IcmpOrTcpReachability(DEFAULT_TCP_PORT);
    }
}
