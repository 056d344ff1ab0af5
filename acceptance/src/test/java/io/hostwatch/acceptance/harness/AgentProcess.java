package io.hostwatch.acceptance.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code java -jar client/target/hostwatch.jar agent ...} as a real member process. */
public final class AgentProcess extends ChildJvm {
    private AgentProcess(String host, List<String> prefix, List<String> args) {
        super("agent-" + host, prefix, List.of(), jar("hostwatch.clientJar"), args);
    }

    public static AgentProcess start(String zk, String group, String host, String address, Path storage,
                                     String sessionTimeout, String... extra) {
        return startIn(List.of(), zk, group, host, address, storage, sessionTimeout, extra);
    }

    /** Starts the agent under a command prefix (e.g. {@code ip netns exec NS}). */
    public static AgentProcess startIn(List<String> prefix, String zk, String group, String host, String address,
                                       Path storage, String sessionTimeout, String... extra) {
        List<String> args = new ArrayList<>(List.of("agent", "--zk", zk, "--group", group, "--host", host,
                "--address", address, "--storage", storage.toString(), "--session-timeout", sessionTimeout));
        args.addAll(List.of(extra));
        if (!args.contains("--zk-tls-keystore")) {
            args.addAll(Protection.agentArgs(zk, group, host));
        }
        if (!args.contains("--isolation-address")) {
            // Tests contact loopback only: never let the agent probe the machine's real gateway.
            args.addAll(List.of("--isolation-address", "127.0.0.1"));
        }
        return new AgentProcess(host, prefix, args);
    }
}
