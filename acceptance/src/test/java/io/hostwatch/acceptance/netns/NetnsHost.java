package io.hostwatch.acceptance.netns;

import io.hostwatch.acceptance.harness.Sh;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One member host of a {@link NetnsLab}: namespace {@code hw-<id>} with {@code lo} up and
 * {@code hwp-<id>} at its address, plugged into the lab bridge by {@code hwv-<id>}.
 *
 * <p>Network faults are real kernel state: {@link #pullCable()} takes the bridge side of the
 * link down (the switch port goes dark: nothing in or out, the host does not notice anything but
 * a lost carrier); {@link #cutTcpTo} and {@link #dropIcmpEcho()} are nftables rules inside the
 * namespace (table {@code inet hw_fault}), gone with it. {@link #close()} kills whatever still
 * runs in the namespace and deletes it, which deletes the veth pair too.
 */
public final class NetnsHost implements Closeable {
    private static final String FAULTS = "hw_fault";

    private final NetnsLab lab;
    private final String id;
    private final String address;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean faultTable;

    NetnsHost(NetnsLab lab, String id, String address) {
        this.lab = lab;
        this.id = id;
        this.address = address;
    }

    void create() {
        String ns = namespace();
        Sh.run("ip", "netns", "add", ns);
        Sh.run("ip", "link", "add", rootLink(), "type", "veth", "peer", "name", hostLink(), "netns", ns);
        Sh.run("ip", "link", "set", rootLink(), "master", lab.bridge());
        Sh.run("ip", "link", "set", rootLink(), "up");
        Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
        Sh.run("ip", "-n", ns, "addr", "add", address + "/24", "dev", hostLink());
        Sh.run("ip", "-n", ns, "link", "set", hostLink(), "up");
    }

    public String namespace() {
        return "hw-" + id;
    }

    /** The bridge side of the veth pair (root namespace). */
    public String rootLink() {
        return "hwv-" + id;
    }

    /** The host side of the veth pair (inside the namespace). */
    public String hostLink() {
        return "hwp-" + id;
    }

    /** The host's management address. */
    public String address() {
        return address;
    }

    /** Command prefix that runs a program inside this host. */
    public List<String> exec() {
        return List.of("ip", "netns", "exec", namespace());
    }

    /** Network isolation: the bridge port of this host goes down. */
    public void pullCable() {
        Sh.run("ip", "link", "set", rootLink(), "down");
    }

    /** Heals {@link #pullCable()}. */
    public void plugCable() {
        Sh.run("ip", "link", "set", rootLink(), "up");
    }

    /** Drops every TCP packet between this host and {@code address:port}, both ways. */
    public void cutTcpTo(String peer, int port) {
        faults();
        Sh.run("ip", "netns", "exec", namespace(), "nft", "add", "rule", "inet", FAULTS, "out",
                "ip", "daddr", peer, "tcp", "dport", Integer.toString(port), "counter", "drop");
        Sh.run("ip", "netns", "exec", namespace(), "nft", "add", "rule", "inet", FAULTS, "in",
                "ip", "saddr", peer, "tcp", "sport", Integer.toString(port), "counter", "drop");
    }

    /** Drops ICMP echo requests arriving at this host (and echo replies it would send). */
    public void dropIcmpEcho() {
        faults();
        Sh.run("ip", "netns", "exec", namespace(), "nft", "add", "rule", "inet", FAULTS, "in",
                "icmp", "type", "echo-request", "counter", "drop");
        Sh.run("ip", "netns", "exec", namespace(), "nft", "add", "rule", "inet", FAULTS, "out",
                "icmp", "type", "echo-reply", "counter", "drop");
    }

    /** Packets dropped so far by this host's fault rules. */
    public long faultDrops() {
        if (!faultTable) {
            return 0;
        }
        String out = Sh.run(false, "ip", "netns", "exec", namespace(), "nft", "list", "table", "inet", FAULTS);
        long sum = 0;
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(out);
        while (m.find()) {
            sum += Long.parseLong(m.group(1));
        }
        return sum;
    }

    /** Removes every fault rule. */
    public void clearFaults() {
        if (faultTable) {
            Sh.run(false, "ip", "netns", "exec", namespace(), "nft", "delete", "table", "inet", FAULTS);
            faultTable = false;
        }
    }

    private void faults() {
        if (faultTable) {
            return;
        }
        String ns = namespace();
        Sh.run("ip", "netns", "exec", ns, "nft", "add", "table", "inet", FAULTS);
        Sh.run("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", FAULTS, "in",
                "{ type filter hook input priority 0 ; policy accept ; }");
        Sh.run("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", FAULTS, "out",
                "{ type filter hook output priority 0 ; policy accept ; }");
        faultTable = true;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            remove(namespace());
        }
    }

    @Override
    public String toString() {
        return namespace() + "(" + address + ")";
    }

    /** Kills every process in namespace {@code ns} (each by its pid), then deletes the namespace. */
    static void remove(String ns) {
        for (long pid : pids(ns)) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).exceptionally(e -> p).join();
            });
        }
        Sh.run(false, "ip", "netns", "del", ns);
    }

    static List<Long> pids(String ns) {
        List<Long> out = new ArrayList<>();
        for (String line : Sh.run(false, "ip", "netns", "pids", ns).split("\n")) {
            if (line.trim().matches("\\d+")) {
                out.add(Long.parseLong(line.trim()));
            }
        }
        return out;
    }
}
