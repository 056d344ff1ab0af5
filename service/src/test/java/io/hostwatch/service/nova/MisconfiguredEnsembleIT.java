package io.hostwatch.service.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import io.hostwatch.service.testing.BlackholePort;
import io.hostwatch.service.testing.FakeMember;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guards that hold even when the ensemble's ACLs are open (here: an ensemble without TLS and
 * identities, where every znode is {@code world:anyone:cdrwa}), through the real application
 * wiring with the Nova integration on, against the OpenStack contract stub. An attacker with a
 * plain ZooKeeper client writes a {@code DEAD}, actionable verdict for a live host (with the
 * leader's epoch copied in) and for a host that never registered, registrations a policy refuses,
 * more members than a group may hold, and a rewrite of the live host's address: Nova and Masakari
 * are never called, the leader writes its own verdict over the planted one, and every refused
 * registration shows in {@code GET /v1/detector}.
 */
@Timeout(120)
class MisconfiguredEnsembleIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aPlantedVerdictNeverReachesNovaAndRefusedRegistrationsMakeNoMembers() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        try (TestingServer zk = new TestingServer(true);
             OpenStackStub stub = OpenStackStub.start();
             BlackholePort silent = new BlackholePort();
             CuratorFramework attacker = CuratorFrameworkFactory.newClient(zk.getConnectString(),
                     new RetryOneTime(100))) {
            attacker.start();
            String liveService = stub.compute.addService("live1.cloud.example.com");
            stub.masakari.addHost("live1.cloud.example.com");
            stub.compute.addService("ghost.cloud.example.com");
            DropwizardTestSupport<HostwatchConfiguration> app = new DropwizardTestSupport<>(
                    HostwatchApplication.class, config(zk, stub, storage, silent.port()).toString());
            app.before();
            String base = "http://127.0.0.1:" + app.getLocalPort() + "/v1";
            try (FakeMember live = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute", "live1"),
                    "127.0.0.1")) {
                await("leader").atMost(WAIT).until(() -> get(base + "/detector").path("leader").asBoolean());
                String url = base + "/groups/compute/members/live1";
                await("RUNNING").atMost(WAIT).until(() -> "RUNNING".equals(get(url).path("state").asText()));
                long epoch = get(base + "/detector").path("epoch").asLong();

                // 1. DEAD, actionable, safe to recover long ago, the leader's own epoch: for the live
                // host and for a host that never registered.
                Instant past = Instant.now().minusSeconds(600);
                plant(attacker, TestVerdicts.dead("live1", live.incarnation.toString(), past, epoch));
                plant(attacker, TestVerdicts.dead("ghost", UUID.randomUUID().toString(), past, epoch));
                await("the leader writes its own verdict over the planted one").atMost(WAIT).until(() -> {
                    Verdict v = Json.read(attacker.getData().forPath(ZkPaths.verdict(MemberId.of("compute",
                            "live1"))), Verdict.class);
                    return v.state() == State.RUNNING && !v.actionable() && v.epoch() == epoch;
                });

                // 2. Registrations the policy refuses, and more members than the group may hold (3).
                register(attacker, "named", "live1.example.com");
                register(attacker, "outside", "192.0.2.5");
                register(attacker, "fake1", "127.0.0.21");
                register(attacker, "fake2", "127.0.0.22");
                register(attacker, "fake3", "127.0.0.23");
                // 3. The live host's address rewritten (a dead host would then "answer ping" through it).
                MemberRegistration own = Json.read(attacker.getData().forPath(ZkPaths.heartbeat(live.id)),
                        MemberRegistration.class);
                attacker.setData().forPath(ZkPaths.heartbeat(live.id), Json.write(new MemberRegistration(
                        own.group(), own.host(), "192.0.2.77", own.incarnation(), own.startedAt(), false,
                        own.storageIntervalMillis(), own.agentVersion())));

                await("refusals listed").atMost(WAIT).until(() -> get(base + "/detector")
                        .path("refusedRegistrations").size() == 4);
                JsonNode refused = get(base + "/detector").path("refusedRegistrations");
                assertThat(refused.path("compute/named").asText()).contains("not a literal IP address");
                assertThat(refused.path("compute/outside").asText()).contains("outside the configured networks");
                assertThat(refused.path("compute/fake3").asText()).contains("already has 3 members");
                assertThat(refused.path("compute/live1").asText()).contains("rewrite").contains("192.0.2.77");
                assertThat(status(base + "/groups/compute/members/named")).isEqualTo(404);
                assertThat(status(base + "/groups/compute/members/fake3")).isEqualTo(404);
                assertThat(get(url).path("address").asText()).isEqualTo("127.0.0.1");

                // Through all of it: Nova and Masakari never hear of anything.
                await("nothing reaches Nova").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                        .until(() -> stub.forcedDownCalls(true).isEmpty() && stub.notifications().isEmpty());
                assertThat(stub.compute.service(liveService).forcedDown).isFalse();
                assertThat(attacker.checkExists().forPath(ZkPaths.nova(live.id))).isNull();
                assertThat(attacker.checkExists().forPath(ZkPaths.nova(MemberId.of("compute", "ghost")))).isNull();
                assertThat(get(url).path("state").asText()).isEqualTo("RUNNING");
            } finally {
                app.after();
            }
        }
    }

    private static void plant(CuratorFramework attacker, Verdict v) throws Exception {
        String path = ZkPaths.verdict(v.id());
        if (attacker.checkExists().forPath(path) == null) {
            attacker.create().creatingParentsIfNeeded().forPath(path, Json.write(v));
        } else {
            attacker.setData().forPath(path, Json.write(v));
        }
    }

    private static void register(CuratorFramework attacker, String host, String address) throws Exception {
        MemberRegistration r = new MemberRegistration("compute", host, address, UUID.randomUUID().toString(),
                Instant.now(), false, 1000, "attacker");
        attacker.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.heartbeat(r.id()), Json.write(r));
    }

    private Path config(TestingServer zk, OpenStackStub stub, Path storage, int silentPort) throws IOException {
        Path password = StubClients.writeSecret(dir, "keystone-password", OpenStackStub.PASSWORD);
        String yaml = """
                server:
                  applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                  adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                zookeeper:
                  connectString: "%s"
                  sessionTimeout: 2s
                storage:
                  root: "%s"
                  staleAfter: 1s
                  observeInterval: 200ms
                detection:
                  recheckInterval: 1s
                ping:
                  timeout: 500ms
                  icmp: never
                  ports: [%d]
                security:
                  memberNetworks: [127.0.0.0/8]
                  maxMembersPerGroup: 3
                nova:
                  enabled: true
                  hostSuffix: .cloud.example.com
                  requestTimeout: 700ms
                  retryInitialDelay: 200ms
                  retryMaxDelay: 1s
                keystone:
                  authUrl: "%s"
                  username: %s
                  password: {file: "%s"}
                  projectName: %s
                  interface: internal
                  region: RegionOne
                masakari:
                  enabled: true
                """.formatted(zk.getConnectString(), storage, silentPort, stub.authUrl(), OpenStackStub.USER,
                password, OpenStackStub.PROJECT);
        return Files.writeString(dir.resolve("hostwatch.yml"), yaml);
    }

    private int status(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = OpenStackHttp.parse(r.body());
        return body == null ? MissingNode.getInstance() : body;
    }
}
