package io.hostwatch.acceptance.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blackholes that share the machine keep to their own nftables tables: closing one leaves the
 * other's drop in place, and a table whose JVM is gone is removed by the next blackhole (root and
 * nft only; run under {@code flock /tmp/hostwatch-netns.lock} like every suite that changes
 * network state).
 */
@Timeout(60)
class LoopbackBlackholeIT {
    private static final String ADDRESS = "127.0.0.61";

    @Test
    void closingOneBlackholeLeavesAnothersDropInPlace() throws Exception {
        Privileges.requireRootWith("nft");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(ADDRESS))) {
            int port = server.getLocalPort();
            assertThat(connects(port)).as("before any drop").isTrue();
            try (LoopbackBlackhole first = new LoopbackBlackhole(); LoopbackBlackhole second = new LoopbackBlackhole()) {
                assertThat(first.table()).isNotEqualTo(second.table());
                second.drop(ADDRESS);
                assertThat(connects(port)).as("dropped by the second").isFalse();
                first.close();
                assertThat(tables()).doesNotContain(first.table()).contains(second.table());
                assertThat(connects(port)).as("still dropped once the first is closed").isFalse();
            }
            assertThat(connects(port)).as("after both are closed").isTrue();
        }
    }

    @Test
    void aTableLeftByAJvmThatIsGoneIsRemovedByTheNextBlackhole() throws Exception {
        Privileges.requireRootWith("nft");
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String left = "hostwatch_blackhole_" + gone.pid() + "_1";
        Sh.run("nft", "add", "table", "inet", left);
        try (LoopbackBlackhole hole = new LoopbackBlackhole()) {
            assertThat(tables()).doesNotContain(left).contains(hole.table());
        } finally {
            Sh.run(false, "nft", "delete", "table", "inet", left);
        }
        assertThat(tables()).doesNotContain("hostwatch_blackhole_" + ProcessHandle.current().pid() + "_");
    }

    @Test
    void onlyLoopbackAddressesAreDropped() throws Exception {
        Privileges.requireRootWith("nft");
        try (LoopbackBlackhole hole = new LoopbackBlackhole()) {
            assertThatThrownBy(() -> hole.drop("198.18.0.1")).isInstanceOf(IllegalArgumentException.class);
            assertThat(Sh.run("nft", "list", "table", "inet", hole.table())).doesNotContain("198.18.0.1");
        }
    }

    private static String tables() {
        return Sh.run("nft", "list", "tables", "inet");
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ADDRESS, port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
