package io.hostwatch.acceptance.netns;

import io.hostwatch.service.testing.IpmiSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real BMC ({@link IpmiSimulator}, OpenIPMI's {@code ipmi_sim}) for a namespace host: its
 * power-off takes down the namespace named in its {@code namespace} file (written by
 * {@link #wire} once the host exists): the host's bridge port down, every process in it killed.
 */
public final class NetnsBmc {
    private NetnsBmc() {
    }

    /** Starts a BMC simulator in {@code dir}, closed with {@code lab}. */
    public static IpmiSimulator start(NetnsLab lab, Path dir) {
        IpmiSimulator sim = IpmiSimulator.start(dir,
                "if [ -s \"$dir/namespace\" ]; then ip link set \"$(cat \"$dir/link\")\" down; "
                        + "ip netns pids \"$(cat \"$dir/namespace\")\" | xargs -r kill -9; fi");
        lab.onClose(sim);
        return sim;
    }

    /** From now on a power-off through {@code sim} powers {@code host} off. */
    public static void wire(IpmiSimulator sim, NetnsHost host) throws IOException {
        Path dir = sim.passwordFile().getParent();
        Files.writeString(dir.resolve("link"), host.rootLink());
        Files.writeString(dir.resolve("namespace"), host.namespace());
    }
}
