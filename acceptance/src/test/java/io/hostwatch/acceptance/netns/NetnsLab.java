package io.hostwatch.acceptance.netns;

import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.ChildJvm;
import io.hostwatch.acceptance.harness.Sh;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A throw-away network on this machine: a bridge {@code hwbr-<lab>} in the root namespace holding
 * {@code 198.18.<subnet>.1/24} (where ZooKeeper and the detector are reached), and member hosts,
 * each a namespace {@code hw-<lab><n>} plugged into the bridge by a veth pair
 * ({@code hwv-<lab><n>} on the bridge, {@code hwp-<lab><n>} inside) with address
 * {@code 198.18.<subnet>.<n>/24}.
 *
 * <p>Only addresses of this lab and loopback are ever used. A guard table
 * ({@code inet hw_<lab>_guard}) drops anything for the lab's subnet that would leave the root
 * namespace by another interface than the bridge, so that not even a probe of a host whose link
 * is gone can reach a real network.
 *
 * <p>One lab of a given name at a time on a machine: {@link #open} takes a file lock, then removes
 * whatever a previous (killed) run left behind: processes in its namespaces and the root-namespace
 * processes it {@linkplain #adopt adopted} (by recorded pid), the namespaces, links and the guard
 * table. {@link #close()} removes everything again; a JVM shutdown hook does
 * the same when the JVM is stopped before {@code close()} ran.
 */
public final class NetnsLab implements Closeable {
    private static final Duration LOCK_WAIT = Duration.ofMinutes(4);

    private final String name;
    private final int subnet;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Deque<AutoCloseable> onClose = new ArrayDeque<>();
    private final List<NetnsHost> hosts = new ArrayList<>();
    private final AtomicInteger nextIndex = new AtomicInteger(2);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook;

    private NetnsLab(String name, int subnet, FileChannel lockFile, FileLock lock) {
        this.name = name;
        this.subnet = subnet;
        this.lockFile = lockFile;
        this.lock = lock;
        this.hook = new Thread(this::close, "netns-lab-" + name + "-cleanup");
    }

    /**
     * Builds the lab {@code name} (a lower-case letter or two) on {@code 198.18.<subnet>.0/24},
     * first waiting for another run holding it and removing what a dead run left behind.
     */
    public static NetnsLab open(String name, int subnet) {
        if (!name.matches("[a-z]{1,2}") || subnet < 0 || subnet > 255) {
            throw new IllegalArgumentException("lab name [a-z]{1,2} and subnet 0..255, got " + name + " " + subnet);
        }
        Path lockPath = Path.of(System.getProperty("java.io.tmpdir"), "hostwatch-netns-lab-" + name + ".lock");
        FileChannel ch;
        try {
            ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + lockPath + ": " + e.getMessage(), e);
        }
        AtomicReference<FileLock> held = new AtomicReference<>();
        await("lab " + name + " free (another run holds " + lockPath + ")").atMost(LOCK_WAIT)
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    held.set(ch.tryLock());
                    return held.get() != null;
                });
        NetnsLab lab = new NetnsLab(name, subnet, ch, held.get());
        Runtime.getRuntime().addShutdownHook(lab.hook);
        try {
            lab.removeStale();
            lab.build();
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    public String name() {
        return name;
    }

    public String bridge() {
        return "hwbr-" + name;
    }

    /** The root namespace's address on the lab network: where members reach ZooKeeper and the detector. */
    public String rootAddress() {
        return address(1);
    }

    String address(int index) {
        return "198.18." + subnet + "." + index;
    }

    private String guardTable() {
        return "hw_" + name + "_guard";
    }

    private void build() {
        Sh.run("ip", "link", "add", bridge(), "type", "bridge");
        Sh.run("ip", "addr", "add", rootAddress() + "/24", "dev", bridge());
        Sh.run("ip", "link", "set", bridge(), "up");
        Sh.run("nft", "add", "table", "inet", guardTable());
        Sh.run("nft", "add", "chain", "inet", guardTable(), "out",
                "{ type filter hook output priority -5 ; policy accept ; }");
        Sh.run("nft", "add", "rule", "inet", guardTable(), "out", "ip", "daddr", "198.18." + subnet + ".0/24",
                "oifname", "!=", "{", "\"" + bridge() + "\",", "\"lo\"", "}", "counter", "drop");
    }

    /** A new member host with the next free address (never reused within one lab). */
    public synchronized NetnsHost addHost() {
        int index = nextIndex.getAndIncrement();
        if (index > 253) {
            throw new IllegalStateException("lab " + name + " has no address left (253 hosts)");
        }
        return addHost(index);
    }

    /** A host at a fixed index 2..254. */
    public synchronized NetnsHost addHost(int index) {
        if (closed.get()) {
            throw new IllegalStateException("lab closed");
        }
        NetnsHost h = new NetnsHost(this, name + index, address(index));
        hosts.add(h);
        h.create();
        return h;
    }

    /**
     * A gateway stand-in at {@code .254}: a namespace that answers ping and forwards nothing, to be
     * the isolation address of the detector and of the agents. It is deliberately not the members'
     * default route: with no default route, anything a member might send outside the lab (a DNS
     * query, for one) fails at once inside its namespace instead of leaving it.
     */
    public NetnsHost addGateway() {
        return addHost(254);
    }

    /** Runs {@code resource.close()} when the lab closes (before the network goes), last registered first. */
    public synchronized void onClose(AutoCloseable resource) {
        onClose.push(resource);
    }

    /**
     * A process of this lab in the root namespace (the service): closed with the lab, and its pid
     * recorded so that a later run kills it if this JVM dies without closing the lab.
     */
    public synchronized void adopt(ChildJvm process) {
        onClose(process);
        try {
            Files.writeString(pidFile(), process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path pidFile() {
        return Path.of(System.getProperty("java.io.tmpdir"), "hostwatch-netns-lab-" + name + ".pids");
    }

    /** Kills the recorded root-namespace processes of a dead run: each by its pid, if it is still a hostwatch JVM. */
    private void killRecorded() {
        try {
            if (Files.exists(pidFile())) {
                for (String line : Files.readAllLines(pidFile())) {
                    if (line.trim().matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(line.trim()))
                                .filter(p -> p.info().commandLine().orElse("").contains("hostwatch"))
                                .ifPresent(p -> {
                                    p.destroyForcibly();
                                    p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join();
                                });
                    }
                }
            }
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes every namespace, link, table and process of this lab name, from this run or an earlier one. */
    private void removeStale() {
        killRecorded();
        Pattern ns = Pattern.compile("hw-" + name + "\\d+");
        for (String line : Sh.run("ip", "netns", "list").split("\n")) {
            String n = line.trim().split("\\s+")[0];
            if (ns.matcher(n).matches()) {
                NetnsHost.remove(n);
            }
        }
        Pattern link = Pattern.compile("hw[vp]-" + name + "\\d+");
        for (String line : Sh.run("ip", "-o", "link", "show").split("\n")) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length >= 2) {
                String n = parts[1].split("@")[0];
                if (link.matcher(n).matches()) {
                    Sh.run(false, "ip", "link", "del", n);
                }
            }
        }
        Sh.run(false, "ip", "link", "del", bridge());
        Sh.run(false, "nft", "delete", "table", "inet", guardTable());
    }

    /** Packets for the lab subnet that the guard stopped from leaving by another interface. */
    public long guardDrops() {
        String out = Sh.run(false, "nft", "list", "table", "inet", guardTable());
        java.util.regex.Matcher m = Pattern.compile("counter packets (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            List<AutoCloseable> first;
            synchronized (this) {
                first = new ArrayList<>(onClose);
                onClose.clear();
            }
            for (AutoCloseable c : first) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("netns lab " + name + ": closing " + c + ": " + e);
                }
            }
            List<NetnsHost> all;
            synchronized (this) {
                all = new ArrayList<>(hosts);
            }
            all.forEach(NetnsHost::close);
            removeStale();
        } finally {
            try {
                lock.release();
                lockFile.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
            if (Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or about to: nothing left for it to do
                }
            }
        }
    }
}
