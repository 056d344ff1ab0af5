package io.hostwatch.acceptance.harness;

import java.io.Closeable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An nftables table that silently drops this machine's traffic to chosen loopback addresses
 * (127.0.0.0/8 only), so that a "host" at such an address stops answering ping and TCP: a
 * power-loss stand-in that needs no namespace.
 *
 * <p>Each instance has a table of its own, {@code hostwatch_blackhole_<pid>_<n>}, so runs that
 * share the machine never remove each other's table (no lock is taken: a suite run under
 * {@code flock /tmp/hostwatch-netns.lock} already holds it, and another lock holder on a new
 * open file description of that file would wait for it forever). The table is removed on close
 * or, when the JVM stops first, by a shutdown hook; tables of JVMs that are gone (killed
 * outright) are removed when the next instance is made.
 */
public final class LoopbackBlackhole implements Closeable {
    private static final String PREFIX = "hostwatch_blackhole_";
    private static final Pattern OURS = Pattern.compile("table inet (" + PREFIX + "(\\d+)_\\d+)");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String table = PREFIX + ProcessHandle.current().pid() + "_" + INSTANCES.incrementAndGet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread hook = new Thread(this::removeTable, table + "-cleanup");

    public LoopbackBlackhole() {
        removeTablesOfGoneJvms();
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Sh.run("nft", "add", "table", "inet", table);
            Sh.run("nft", "add", "chain", "inet", table, "out",
                    "{ type filter hook output priority -10 ; policy accept ; }");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The nftables table of this instance (family {@code inet}). */
    public String table() {
        return table;
    }

    /** Drops every packet to {@code address} from now on. */
    public void drop(String address) {
        if (!address.startsWith("127.")) {
            throw new IllegalArgumentException("only loopback addresses may be blackholed: " + address);
        }
        Sh.run("nft", "add", "rule", "inet", table, "out", "ip", "daddr", address, "drop");
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        removeTable();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; removing an absent table is harmless
        }
    }

    private void removeTable() {
        Sh.run(false, "nft", "delete", "table", "inet", table);
    }

    private static void removeTablesOfGoneJvms() {
        Matcher m = OURS.matcher(Sh.run(false, "nft", "list", "tables", "inet"));
        while (m.find()) {
            if (ProcessHandle.of(Long.parseLong(m.group(2))).isEmpty()) {
                Sh.run(false, "nft", "delete", "table", "inet", m.group(1));
            }
        }
    }
}
