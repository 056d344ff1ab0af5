package io.hostwatch.service.probe;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.SignalStatus;
import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings a member's management address within one deadline.
 *
 * <p>Where the process may send ICMP (CAP_NET_RAW), an echo request is sent; at the same time
 * TCP connections to the configured ports are opened without blocking, and neither waits for the
 * other. With {@code requireIcmp} only the echo counts (where a firewall may answer TCP with
 * resets on behalf of a dead host). The host answered when
 * the echo came back, a connection was accepted, or a connection was <em>refused</em> (a reset
 * comes from the host's own stack). It failed when nothing answered before the deadline. The
 * TCP path means a host that drops ICMP is still seen to answer.
 *
 * <p>Probes run on a bounded pool of up to {@code maxConcurrent} threads, created on demand,
 * so many lost members are probed at once rather than queued behind each other.
 */
public final class PingProbe implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PingProbe.class);

    /** Whether to use ICMP. */
    public enum IcmpMode { AUTO, ALWAYS, NEVER }

    private final Duration timeout;
    private final List<Integer> ports;
    private final boolean icmp;
    private final Clock clock;
    private final ThreadPoolExecutor pool;
    private final ThreadPoolExecutor echoes;
    private final boolean requireIcmp;

    public PingProbe(Duration timeout, List<Integer> ports, IcmpMode mode, int maxConcurrent, Clock clock) {
        this(timeout, ports, mode, maxConcurrent, clock, false);
    }

    /**
     * @param requireIcmp only an ICMP echo reply proves the host is up: TCP answers (a reset may
     *                    come from a firewall in front of a dead host) are not used
     */
    public PingProbe(Duration timeout, List<Integer> ports, IcmpMode mode, int maxConcurrent, Clock clock,
                     boolean requireIcmp) {
        if (ports.isEmpty() && mode == IcmpMode.NEVER) {
            throw new IllegalArgumentException("ping needs ICMP or at least one TCP port");
        }
        this.timeout = timeout;
        this.ports = List.copyOf(ports);
        this.icmp = switch (mode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> hasRawSocketCapability();
        };
        if (requireIcmp && !icmp) {
            throw new IllegalArgumentException("ping.requireIcmp is set but ICMP is "
                    + (mode == IcmpMode.NEVER ? "turned off (ping.icmp: never)" : "not available (no CAP_NET_RAW)"));
        }
        this.requireIcmp = requireIcmp;
        this.clock = clock;
        this.pool = pool("hostwatch-ping-", maxConcurrent);
        this.echoes = pool("hostwatch-icmp-", maxConcurrent);
        LOG.info("ping probe: {} with TCP ports {}{}, timeout {} ms, up to {} at once",
                icmp ? "ICMP echo" : "no ICMP (no CAP_NET_RAW)", this.ports,
                requireIcmp ? " (not trusted: ICMP required)" : "", timeout.toMillis(), maxConcurrent);
    }

    // Threads are made on demand and reused while idle; beyond maxConcurrent a probe is refused
    // (evidence UNKNOWN) rather than queued behind probes that may each take the whole timeout.
    private static ThreadPoolExecutor pool(String prefix, int max) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, prefix + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        });
    }

    public boolean usesIcmp() {
        return icmp;
    }

    /** Hears the result and duration of each {@link #probe(String)}; called on the probe's thread, must not block. */
    @FunctionalInterface
    public interface Observer {
        void probed(SignalStatus.Ping result, Duration took);
    }

    private volatile Observer observer = (result, took) -> { };

    /** Sets the one observer of probes (metrics). */
    public void observe(Observer value) {
        this.observer = value;
    }

    /** Probes {@code address}; the future always completes (never exceptionally) within about the timeout. */
    public CompletableFuture<Evidence.Ping> probe(String address) {
        try {
            return CompletableFuture.supplyAsync(() -> observed(address), pool);
        } catch (RuntimeException rejected) {
            return CompletableFuture.completedFuture(result(SignalStatus.Ping.UNKNOWN, null, null,
                    "probe not run: " + rejected.getMessage()));
        }
    }

    private Evidence.Ping observed(String address) {
        long start = System.nanoTime();
        Evidence.Ping result = probeNow(address);
        try {
            observer.probed(result.status(), Duration.ofNanos(System.nanoTime() - start));
        } catch (RuntimeException e) {
            // an observer never changes a probe's result
        }
        return result;
    }

    /**
     * Probes synchronously on the calling thread. The ICMP echo (on its own thread) and the TCP
     * connections start together and each has the whole timeout: whichever answers first decides,
     * and the evidence names it ({@code icmp} "echo reply", or {@code tcp:PORT} "connection
     * accepted" / "connection refused"). With {@code requireIcmp}, TCP is not tried.
     */
    public Evidence.Ping probeNow(String address) {
        InetAddress target;
        try {
            target = InetAddress.getByName(address);
        } catch (IOException | RuntimeException e) {
            return result(SignalStatus.Ping.UNKNOWN, null, null, "bad address '" + address + "': " + e.getMessage());
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> notes = new ArrayList<>();
        List<SocketChannel> opened = new ArrayList<>(ports.size());
        try (Selector selector = Selector.open()) {
            CompletableFuture<Boolean> echo = icmp ? echo(target, selector, notes) : null;
            if (!requireIcmp) {
                Integer connectedAtOnce = openConnections(target, selector, notes, opened);
                if (connectedAtOnce != null) {
                    return result(SignalStatus.Ping.OK, "tcp:" + connectedAtOnce, micros(start),
                            "connection accepted");
                }
            }
            int pending = selector.keys().size();
            while (true) {
                if (echo != null && echo.isDone()) {
                    if (Boolean.TRUE.equals(echo.getNow(false))) {
                        return result(SignalStatus.Ping.OK, "icmp", micros(start), "echo reply");
                    }
                    echo = null;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || echo == null && selector.keys().isEmpty()) {
                    break;
                }
                Evidence.Ping tcp = selector.keys().isEmpty() ? null : pollTcp(selector, start, left, notes);
                if (tcp != null) {
                    return tcp;
                }
                if (selector.keys().isEmpty() && echo != null) {
                    try {
                        echo.get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())),
                                TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.TimeoutException late) {
                        break;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        echo = null;
                    }
                }
            }
            if (icmp) {
                notes.add(0, "icmp: no echo reply within " + timeout.toMillis() + " ms");
            }
            if (pending > 0 && !selector.keys().isEmpty()) {
                notes.add("no answer on tcp " + ports + " within " + timeout.toMillis() + " ms");
            }
        } catch (IOException e) {
            return result(SignalStatus.Ping.UNKNOWN, null, null, "probe failed locally: " + e.getMessage());
        } finally {
            opened.forEach(PingProbe::closeQuietly);
        }
        return result(SignalStatus.Ping.FAIL, icmp ? (requireIcmp ? "icmp" : "icmp+tcp") : "tcp", null,
                String.join("; ", notes));
    }

    /** Sends the ICMP echo on its own thread for the whole timeout; wakes the selector when it returns. */
    private CompletableFuture<Boolean> echo(InetAddress target, Selector selector, List<String> notes) {
        try {
            CompletableFuture<Boolean> echo = CompletableFuture.supplyAsync(() -> {
                try {
                    return target.isReachable((int) timeout.toMillis());
                } catch (IOException e) {
                    return false;
                }
            }, echoes);
            // Woken once the result is visible (not before: the loop would miss it and wait for TCP).
            echo.whenComplete((ok, error) -> selector.wakeup());
            return echo;
        } catch (RuntimeException rejected) {
            notes.add("icmp: not sent (" + rejected.getMessage() + ")");
            return null;
        }
    }

    /** Starts a connection to every port; returns a port that connected at once, else null. */
    private Integer openConnections(InetAddress target, Selector selector, List<String> notes,
                                    List<SocketChannel> opened) {
        for (int port : ports) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                opened.add(ch);
                ch.configureBlocking(false);
                if (ch.connect(new InetSocketAddress(target, port))) {
                    return port;
                }
                ch.register(selector, SelectionKey.OP_CONNECT, port);
            } catch (IOException e) {
                // Immediate failure (no route, network unreachable): no answer on that port.
                notes.add("tcp:" + port + ": " + e.getMessage());
                if (ch != null) {
                    closeQuietly(ch);
                }
            }
        }
        return null;
    }

    /** Waits up to {@code waitMillis} for a connection to complete; returns OK when the host answered. */
    private Evidence.Ping pollTcp(Selector selector, long start, long waitMillis, List<String> notes)
            throws IOException {
        if (selector.keys().isEmpty()) {
            return null;
        }
        int ready = waitMillis > 0 ? selector.select(waitMillis) : selector.selectNow();
        if (ready == 0) {
            return null;
        }
        for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) key.channel();
            int port = (Integer) key.attachment();
            try {
                if (ch.finishConnect()) {
                    return result(SignalStatus.Ping.OK, "tcp:" + port, micros(start), "connection accepted");
                }
            } catch (ConnectException e) {
                if (e.getMessage() != null && e.getMessage().contains("refused")) {
                    return result(SignalStatus.Ping.OK, "tcp:" + port, micros(start),
                            "connection refused (a TCP reset: the host's own stack answered)");
                }
                notes.add("tcp:" + port + ": " + e.getMessage());
            } catch (IOException e) {
                notes.add("tcp:" + port + ": " + e.getMessage());
            }
            key.cancel();
            closeQuietly(ch);
        }
        selector.selectedKeys().clear();
        selector.selectNow(); // flush cancelled keys
        return null;
    }

    private Evidence.Ping result(SignalStatus.Ping status, String method, Long rtt, String detail) {
        return new Evidence.Ping(status, clock.instant(), method, rtt, detail);
    }

    private static long micros(long startNanos) {
        return TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** True when this process holds CAP_NET_RAW (bit 13 of CapEff), so the JDK can send ICMP echo. */
    static boolean hasRawSocketCapability() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 13)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read capabilities: {}", e.toString());
        }
        return false;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        echoes.shutdownNow();
    }

    ExecutorService pool() {
        return pool;
    }
}
