package io.hostwatch.service.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers that a test starts and binds later, often in another process (a service, an
 * embedded ZooKeeper, a BMC simulator). A port from {@code new ServerSocket(0)} is closed again
 * before its server binds it, and it lies in the kernel's ephemeral range: in between, any
 * outgoing connection of the machine may be given it, and the next such call may return it
 * again. These ports come from below the ephemeral range instead, where only an explicit bind can
 * take one, and one JVM never hands out the same port twice (until it has gone once round the
 * range). Each is checked free, for TCP and UDP, when handed out.
 */
public final class FreePorts {
    private static final int LOW = 20_000;
    private static final int HIGH = below(Path.of("/proc/sys/net/ipv4/ip_local_port_range"), 32_000);
    /** Where this JVM starts in the range: apart for two JVMs whose process ids are apart. */
    private static final AtomicInteger NEXT = new AtomicInteger(
            (int) Math.floorMod(ProcessHandle.current().pid() * 211L, (long) (HIGH - LOW)));

    private FreePorts() {
    }

    /** A port that is free for TCP and UDP on every address now, and not handed out before. */
    public static int next() {
        int span = HIGH - LOW;
        for (int tried = 0; tried < span; tried++) {
            int port = LOW + Math.floorMod(NEXT.getAndIncrement(), span);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in [" + LOW + ", " + HIGH + ")");
    }

    private static boolean free(int port) {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.setReuseAddress(true); // as the servers bind: a connection in TIME_WAIT does not make it busy
            tcp.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            return false;
        }
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The low end of the ephemeral range, capped at {@code cap}; {@code cap} if it cannot be read. */
    static int below(Path range, int cap) {
        int low;
        try {
            // Not Files.readString: on this JDK it reads one byte of a procfs file, which reports size 0.
            low = Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return cap;
        }
        if (low < LOW + 1_000) {
            throw new IllegalStateException("the ephemeral port range starts at " + low + ": the test servers' ports ["
                    + LOW + ", " + cap + ") need it to start above " + (LOW + 1_000));
        }
        return Math.min(cap, low);
    }
}
