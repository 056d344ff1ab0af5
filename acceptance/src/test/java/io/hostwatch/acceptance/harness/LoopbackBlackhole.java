package io.hostwatch.acceptance.harness;

import java.io.Closeable;

/**
 * An nftables table that silently drops this machine's traffic to chosen loopback addresses
 * (127.0.0.0/8 only), so that a "host" at such an address stops answering ping and TCP: a
 * power-loss stand-in that needs no namespace. Removed on close, and removed first if a previous
 * run left it behind.
 */
public final class LoopbackBlackhole implements Closeable {
    private static final String TABLE = "hostwatch_blackhole";

    public LoopbackBlackhole() {
        Sh.run(false, "nft", "delete", "table", "inet", TABLE);
        Sh.run("nft", "add", "table", "inet", TABLE);
        Sh.run("nft", "add", "chain", "inet", TABLE, "out",
                "{ type filter hook output priority -10 ; policy accept ; }");
    }

    /** Drops every packet to {@code address} from now on. */
    public void drop(String address) {
        if (!address.startsWith("127.")) {
            throw new IllegalArgumentException("only loopback addresses may be blackholed: " + address);
        }
        Sh.run("nft", "add", "rule", "inet", TABLE, "out", "ip", "daddr", address, "drop");
    }

    @Override
    public void close() {
        Sh.run(false, "nft", "delete", "table", "inet", TABLE);
    }
}
