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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings a member's management address within one deadline.
 *
 * <p>Where the process may send ICMP (CAP_NET_RAW), an echo request is sent; at the same time
 * TCP connections to the configured ports are opened without blocking, and neither waits for the
 * other. With {@code requireIcmp} only the echo counts (where a firewall may answer TCP with
 * resets on behalf of a dead host). The host answered when the echo came back, a connection was
 * accepted, or a connection was <em>refused</em> (a reset comes from the host's own stack). It
 * failed when nothing answered before the deadline. The TCP path means a host that drops ICMP is
 * still seen to answer.
 *
 * <p>Every probe's TCP connections and deadline are handled by one thread, {@code hostwatch-ping},
 * on one selector: a thousand silent hosts cost a thousand sockets, not a thousand threads that
 * all wake at their timeout together. The JDK sends an ICMP echo only by blocking a thread, so
 * each echo runs on a pool of threads created on demand (a name lookup too). At most
 * {@code maxConcurrent} probes are in flight; one beyond that is refused at once (evidence
 * {@code UNKNOWN}) rather than queued behind probes that may each take the whole timeout.
 */
public final class PingProbe implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(PingProbe.class);
    /** A dotted-quad IPv4 address: resolved without a name lookup, so on the caller's thread. */
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");

    /** Whether to use ICMP. */
    public enum IcmpMode { AUTO, ALWAYS, NEVER }

    private final Duration timeout;
    private final long timeoutNanos;
    private final List<Integer> ports;
    private final boolean icmp;
    private final Clock clock;
    private final boolean requireIcmp;
    private final int maxConcurrent;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Echoes, and the name lookups of addresses that are not IPv4 literals. */
    private final ThreadPoolExecutor blocking;
    private final Selector selector;
    private final Thread loop;
    private final Queue<Attempt> submitted = new ConcurrentLinkedQueue<>();
    private final Queue<Echo> echoed = new ConcurrentLinkedQueue<>();
    /** Attempts by deadline (every attempt has the same timeout, started in order): the loop's only. */
    private final ArrayDeque<Attempt> byDeadline = new ArrayDeque<>();
    private volatile boolean closed;

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
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, not " + maxConcurrent);
        }
        for (Integer port : ports) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("ping port " + port + " is not a TCP port (1-65535)");
            }
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
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
        this.maxConcurrent = maxConcurrent;
        // Up to two per probe: a name lookup, then its echo.
        this.blocking = pool("hostwatch-ping-io-", 2 * maxConcurrent);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            blocking.shutdownNow();
            throw new IllegalStateException("cannot open the ping probe's selector: " + e.getMessage(), e);
        }
        this.loop = new Thread(this::run, "hostwatch-ping");
        loop.setDaemon(true);
        loop.start();
        LOG.info("ping probe: {} with TCP ports {}{}, timeout {} ms, up to {} at once",
                icmp ? "ICMP echo" : mode == IcmpMode.NEVER ? "no ICMP (ping.icmp: never)" : "no ICMP (no CAP_NET_RAW)",
                this.ports,
                requireIcmp ? " (not trusted: ICMP required)" : "", timeout.toMillis(), maxConcurrent);
    }

    // Threads are made on demand and reused while idle; none is queued behind a busy one.
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

    /**
     * Probes {@code address}; the future always completes (never exceptionally) within about the
     * timeout. It completes on the probe's own thread: a caller's dependent action must be quick,
     * or asynchronous.
     */
    public CompletableFuture<Evidence.Ping> probe(String address) {
        CompletableFuture<Evidence.Ping> future = new CompletableFuture<>();
        if (closed) {
            future.complete(result(SignalStatus.Ping.UNKNOWN, null, null, "probe not run: the ping probe is closed"));
            return future;
        }
        if (inFlight.incrementAndGet() > maxConcurrent) {
            inFlight.decrementAndGet();
            future.complete(result(SignalStatus.Ping.UNKNOWN, null, null,
                    "probe not run: " + maxConcurrent + " probes already in flight (ping.maxConcurrent)"));
            return future;
        }
        // From here the attempt always ends through finish(), which releases its place.
        Attempt attempt = new Attempt(address, future);
        if (address != null && IPV4.matcher(address).matches()) {
            resolve(attempt);
            enqueue(attempt);
        } else {
            try {
                blocking.execute(() -> {
                    resolve(attempt);
                    enqueue(attempt);
                });
            } catch (RuntimeException rejected) {
                attempt.unresolved = "name lookup not run: " + rejected.getMessage();
                enqueue(attempt);
            }
        }
        return future;
    }

    /** Probes synchronously: {@link #probe(String)}, waited for. */
    public Evidence.Ping probeNow(String address) {
        return probe(address).join();
    }

    private static void resolve(Attempt a) {
        try {
            if (a.address == null || a.address.isBlank()) {
                throw new IllegalArgumentException("no address");
            }
            a.target = InetAddress.getByName(a.address);
        } catch (IOException | RuntimeException e) {
            a.unresolved = "bad address '" + a.address + "': " + e.getMessage();
        }
    }

    private void enqueue(Attempt a) {
        submitted.add(a);
        selector.wakeup();
        if (closed) {
            drainOnClose(); // the loop may have ended before this attempt was queued
        }
    }

    // ---- the loop: everything below runs on the hostwatch-ping thread only ----

    private void run() {
        try {
            while (!closed) {
                Attempt first = byDeadline.peekFirst();
                if (first == null) {
                    selector.select();
                } else {
                    long wait = TimeUnit.NANOSECONDS.toMillis(first.deadline - System.nanoTime() + 999_999);
                    if (wait > 0) {
                        selector.select(wait);
                    } else {
                        selector.selectNow();
                    }
                }
                for (Attempt a; (a = submitted.poll()) != null; ) {
                    Attempt started = a;
                    guarded(a, () -> start(started));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    guarded(((Port) key.attachment()).attempt, () -> connected(key));
                }
                selector.selectedKeys().clear();
                for (Echo e; (e = echoed.poll()) != null; ) {
                    Echo echo = e;
                    guarded(e.attempt, () -> echoed(echo.attempt, echo.answered));
                }
                long now = System.nanoTime();
                while (!byDeadline.isEmpty() && (byDeadline.peekFirst().done || byDeadline.peekFirst().deadline - now <= 0)) {
                    Attempt a = byDeadline.pollFirst();
                    if (!a.done) {
                        expired(a);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // The selector itself failed: nothing can be pinged any more, and every probe says so.
            if (!closed) {
                LOG.error("ping probe stopped: {}; every later ping is UNKNOWN", e.toString(), e);
                closed = true;
            }
        } finally {
            byDeadline.forEach(a -> finish(a, result(SignalStatus.Ping.UNKNOWN, null, null,
                    "probe not finished: the ping probe is closed")));
            byDeadline.clear();
            drainOnClose();
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** One attempt's step: an unexpected failure ends that attempt ({@code UNKNOWN}), never the loop. */
    private void guarded(Attempt a, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warn("ping of {} failed locally: {}", a.address, e.toString(), e);
            finish(a, result(SignalStatus.Ping.UNKNOWN, null, null, "probe failed locally: " + e));
        }
    }

    private void start(Attempt a) {
        if (a.target == null) {
            finish(a, result(SignalStatus.Ping.UNKNOWN, null, null, a.unresolved));
            return;
        }
        a.start = System.nanoTime();
        a.deadline = a.start + timeoutNanos;
        if (icmp) {
            sendEcho(a);
        }
        if (!requireIcmp) {
            for (int port : ports) {
                SocketChannel ch = null;
                try {
                    ch = SocketChannel.open();
                    a.channels.add(ch);
                    ch.configureBlocking(false);
                    if (ch.connect(new InetSocketAddress(a.target, port))) {
                        finish(a, result(SignalStatus.Ping.OK, "tcp:" + port, micros(a.start), "connection accepted"));
                        return;
                    }
                    ch.register(selector, SelectionKey.OP_CONNECT, new Port(a, port));
                    a.tcpPending++;
                } catch (IOException e) {
                    // Immediate failure (no route, network unreachable): no answer on that port.
                    a.notes.add("tcp:" + port + ": " + e.getMessage());
                    if (ch != null) {
                        closeQuietly(ch);
                    }
                }
            }
        }
        if (!a.done) {
            byDeadline.addLast(a);
            failIfNothingPending(a);
        }
    }

    /** Sends the ICMP echo on a blocking thread for the whole timeout; its answer comes back through {@link #echoed}. */
    private void sendEcho(Attempt a) {
        InetAddress target = a.target;
        try {
            blocking.execute(() -> {
                boolean answered;
                try {
                    answered = target.isReachable((int) timeout.toMillis());
                } catch (IOException e) {
                    answered = false;
                }
                echoed.add(new Echo(a, answered));
                selector.wakeup();
            });
            a.echoPending = true;
        } catch (RuntimeException rejected) {
            a.notes.add("icmp: not sent (" + rejected.getMessage() + ")");
        }
    }

    private void echoed(Attempt a, boolean answered) {
        if (a.done) {
            return;
        }
        a.echoPending = false;
        if (answered) {
            finish(a, result(SignalStatus.Ping.OK, "icmp", micros(a.start), "echo reply"));
        } else {
            failIfNothingPending(a);
        }
    }

    private void connected(SelectionKey key) {
        Port p = (Port) key.attachment();
        Attempt a = p.attempt;
        if (a.done) {
            return;
        }
        SocketChannel ch = (SocketChannel) key.channel();
        try {
            if (ch.finishConnect()) {
                finish(a, result(SignalStatus.Ping.OK, "tcp:" + p.port, micros(a.start), "connection accepted"));
                return;
            }
            return; // not yet: still waiting
        } catch (ConnectException e) {
            if (e.getMessage() != null && e.getMessage().contains("refused")) {
                finish(a, result(SignalStatus.Ping.OK, "tcp:" + p.port, micros(a.start),
                        "connection refused (a TCP reset: the host's own stack answered)"));
                return;
            }
            a.notes.add("tcp:" + p.port + ": " + e.getMessage());
        } catch (IOException e) {
            a.notes.add("tcp:" + p.port + ": " + e.getMessage());
        }
        key.cancel();
        closeQuietly(ch);
        a.tcpPending--;
        failIfNothingPending(a);
    }

    /** Every method has failed before the deadline: the attempt fails now. */
    private void failIfNothingPending(Attempt a) {
        if (!a.done && a.tcpPending == 0 && !a.echoPending) {
            finish(a, failed(a, false));
        }
    }

    private void expired(Attempt a) {
        finish(a, failed(a, a.tcpPending > 0));
    }

    private Evidence.Ping failed(Attempt a, boolean tcpSilent) {
        List<String> notes = new ArrayList<>(a.notes);
        if (icmp) {
            notes.add(0, "icmp: no echo reply within " + timeout.toMillis() + " ms");
        }
        if (tcpSilent) {
            notes.add("no answer on tcp " + ports + " within " + timeout.toMillis() + " ms");
        }
        return result(SignalStatus.Ping.FAIL, icmp ? (requireIcmp ? "icmp" : "icmp+tcp") : "tcp", null,
                String.join("; ", notes));
    }

    /** Ends an attempt once: closes its sockets, frees its place, tells the observer and the caller. */
    private void finish(Attempt a, Evidence.Ping evidence) {
        if (a.done) {
            return;
        }
        a.done = true;
        a.channels.forEach(PingProbe::closeQuietly);
        a.channels.clear();
        inFlight.decrementAndGet();
        try {
            observer.probed(evidence.status(), Duration.ofNanos(System.nanoTime() - a.created));
        } catch (RuntimeException e) {
            // an observer never changes a probe's result
        }
        a.future.complete(evidence);
    }

    private void drainOnClose() {
        for (Attempt a; (a = submitted.poll()) != null; ) {
            finish(a, result(SignalStatus.Ping.UNKNOWN, null, null, "probe not run: the ping probe is closed"));
        }
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

    /** Probes still in flight (for tests and metrics). */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Stops the probe: every probe in flight completes at once with {@code UNKNOWN}, and later ones
     * are not run.
     */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        blocking.shutdownNow();
    }

    /** One probe of one address. Its mutable state is the loop thread's only. */
    private static final class Attempt {
        final String address;
        final CompletableFuture<Evidence.Ping> future;
        final long created = System.nanoTime();
        /** Set before the attempt is queued to the loop. */
        InetAddress target;
        String unresolved;
        long start;
        long deadline;
        final List<SocketChannel> channels = new ArrayList<>(2);
        final List<String> notes = new ArrayList<>(2);
        int tcpPending;
        boolean echoPending;
        boolean done;

        Attempt(String address, CompletableFuture<Evidence.Ping> future) {
            this.address = address;
            this.future = future;
        }
    }

    private record Port(Attempt attempt, int port) {
    }

    private record Echo(Attempt attempt, boolean answered) {
    }
}
