package io.hostwatch.acceptance.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.AgentProcess;
import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import io.hostwatch.acceptance.harness.Sh;
import io.hostwatch.acceptance.harness.ZooKeeperServers;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.test.TestingServer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An agent started on a host that is already cut off does its job anyway (issue 14, item 4): the
 * host is a namespace of the lab whose bridge port is down before the agent starts, so neither
 * ZooKeeper nor the isolation address (the lab's gateway stand-in) can be reached. The agent must
 * not exit: it writes its storage heartbeat, marks {@code ISOLATED}, runs its isolation response
 * after {@code --fence-after} and marks {@code FENCED}, all without ever having reached ZooKeeper
 * (so the detector has never heard of the host: no verdict, nothing actionable). When the cable
 * is plugged back in it registers, writes its ready file, clears both flags, and the detector
 * publishes it {@code RUNNING} with its storage {@code FRESH}.
 *
 * <p>Real service and agent processes, real namespaces; the same lab as {@link FaultMatrixIT}
 * (lab {@code t}, 198.18.0.0/24), whose lock makes the suites take turns. Root only.
 */
@Timeout(300)
class AgentStartsIsolatedIT {
    static final Duration SESSION = Duration.ofSeconds(4);
    static final String GROUP = "isostart";
    static final String HOST = "starter";
    static final Path WORK = Path.of("target", "agent-starts-isolated").toAbsolutePath();
    static final Path STORAGE = WORK.resolve("storage");

    @Test
    void anAgentStartedOnAnIsolatedHostFencesItAndRegistersOnceTheNetworkHeals() throws Exception {
        Privileges.requireRootWith("ip", "nft");
        Path fenced = WORK.resolve("fenced");
        Path ready = WORK.resolve("ready");
        try (JarSnapshot jars = JarSnapshot.take("agent-starts-isolated")) {
            JarSnapshot.emptyDir(STORAGE);
            Files.deleteIfExists(fenced);
            Files.deleteIfExists(ready);
            try (NetnsLab lab = NetnsLab.open("t", 0)) {
                NetnsHost gateway = lab.addGateway();
                TestingServer zk = ZooKeeperServers.start();
                lab.onClose(zk);
                ServiceProcess service = ServiceProcess.start("service-isostart", zk.getConnectString(), STORAGE,
                        SESSION.toSeconds() + "s", Map.of("detection.recheckInterval", "1s",
                                "detection.isolationAddresses", gateway.address()));
                lab.adopt(service);
                JarSnapshot.awaitJudging(service, SESSION);

                NetnsHost host = lab.addHost();
                String zkFromHost = lab.rootAddress() + ":" + zk.getPort();
                host.pullCable();
                assertThat(tcpOpens(host, lab.rootAddress(), zk.getPort()))
                        .as("ZooKeeper reachable from the host with its cable out").isFalse();

                AgentProcess agent = AgentProcess.startIn(host.exec(), zkFromHost, GROUP, HOST, host.address(),
                        STORAGE, SESSION.toSeconds() + "s", "--isolation-address", gateway.address(),
                        "--fence-after", "3s", "--isolation-response", "touch '" + fenced + "'",
                        "--ready-file", ready.toString(), "--storage-interval", "500ms");
                lab.onClose(agent);
                Path slot = StorageRecordCodec.slot(STORAGE, MemberId.of(GROUP, HOST));

                waitFor(agent, "ISOLATED in its storage record without ever reaching ZooKeeper", 60)
                        .until(() -> has(slot, StorageFlag.ISOLATED));
                waitFor(agent, "FENCED after --fence-after", 60).until(() -> has(slot, StorageFlag.FENCED));
                assertThat(fenced).as("the isolation response ran").exists();
                long seq = record(slot).seq();
                waitFor(agent, "the storage heartbeat going on while isolated", 30)
                        .until(() -> record(slot).seq() >= seq + 3);
                assertThat(ready).as("ready file while never registered").doesNotExist();
                assertThat(Rest.get(service.url() + "/v1/groups/" + GROUP + "/members/" + HOST).status())
                        .as("the detector has never heard of the host").isEqualTo(404);
                assertThat(agent.output()).contains("this host is ISOLATED").contains("this host is FENCED")
                        .doesNotContain(" registered: heartbeat znode")
                        .as("no WARN at every retry of the outage").doesNotContain("Sleep extension too large");

                host.plugCable();
                waitFor(agent, "registered once the network is back", 90).until(() -> Files.exists(ready));
                waitFor(agent, "RUNNING with its storage FRESH", 60).until(() -> {
                    var v = Rest.get(service.url() + "/v1/groups/" + GROUP + "/members/" + HOST).body();
                    return v != null && "RUNNING".equals(v.path("state").asText())
                            && "FRESH".equals(v.path("evidence").path("storage").path("status").asText());
                });
                waitFor(agent, "ISOLATED and FENCED cleared", 30).until(() -> {
                    StorageRecord r = record(slot);
                    return !r.has(StorageFlag.ISOLATED) && !r.has(StorageFlag.FENCED);
                });
                assertThat(agent.output()).contains("member " + GROUP + "/" + HOST + " registered");

                assertThat(agent.terminate(20)).as("graceful stop on SIGTERM").isZero();
            }
        }
    }

    /** Awaits a condition, failing at once (with the agent's log) if the agent exits. */
    private static ConditionFactory waitFor(AgentProcess agent, String what, int seconds) {
        return await(what).atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(200))
                .failFast("the agent exited", () -> {
                    if (!agent.isAlive()) {
                        throw new AssertionError("the agent exited while waiting for " + what + ":\n"
                                + Scenario.tail(agent.output()));
                    }
                });
    }

    private static StorageRecord record(Path slot) throws Exception {
        return StorageRecordCodec.decode(Files.readAllBytes(slot));
    }

    private static boolean has(Path slot, StorageFlag flag) throws Exception {
        return Files.exists(slot) && record(slot).has(flag);
    }

    /** Whether a TCP connection from inside {@code host} to {@code address:port} opens within 2 s. */
    private static boolean tcpOpens(NetnsHost host, String address, int port) {
        String out = Sh.run(false, "ip", "netns", "exec", host.namespace(), "timeout", "3", "bash", "-c",
                "exec 3<>/dev/tcp/" + address + "/" + port + " && echo open");
        return out.contains("open");
    }
}
