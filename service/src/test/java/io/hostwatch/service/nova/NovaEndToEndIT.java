package io.hostwatch.service.nova;

import io.hostwatch.service.testing.BlackholePort;
import io.hostwatch.service.testing.FakeMember;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path in one JVM, through the real application wiring: a member loses power (its
 * session, its storage counter and its answers to ping stop) → the detector publishes DEAD → the
 * leader forces its nova-compute service down at the stub, once, and tells Masakari; while Nova
 * hangs, detection goes on and the action waits; the member comes back → forced up. Everything
 * talks to 127.0.0.1 only.
 */
@Timeout(120)
class NovaEndToEndIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void powerLossIsForcedDownInNovaOnceAndUndoneOnRecovery() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        try (TestingServer zk = new TestingServer(true);
             OpenStackStub stub = OpenStackStub.start();
             BlackholePort silent = new BlackholePort()) {
            String serviceId = stub.compute.addService("e2e1.cloud.example.com");
            stub.masakari.addHost("e2e1.cloud.example.com");
            DropwizardTestSupport<HostwatchConfiguration> app = new DropwizardTestSupport<>(
                    HostwatchApplication.class, config(zk, stub, storage, silent.port()).toString());
            app.before();
            try {
                String url = "http://127.0.0.1:" + app.getLocalPort() + "/v1/groups/compute/members/e2e1";
                await("leader").atMost(WAIT).until(() -> get("http://127.0.0.1:" + app.getLocalPort()
                        + "/v1/detector").path("leader").asBoolean());

                FakeMember member = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute", "e2e1"),
                        "127.0.0.1");
                await("RUNNING").atMost(WAIT).until(() -> "RUNNING".equals(get(url).path("state").asText()));
                JsonNode running = get(url);
                assertThat(running.path("incarnation").asText()).isEqualTo(member.incarnation.toString());
                assertThat(running.path("nova").path("state").asText()).isEqualTo("NONE");

                stub.hang(true); // Nova stops answering before the host dies
                member.powerOff();
                // DEAD is held for brake.settle (SETTLING) before it becomes actionable
                await("DEAD while Nova hangs").atMost(WAIT).until(() -> "DEAD".equals(get(url).path("state")
                        .asText()) && get(url).path("actionable").asBoolean());
                JsonNode dead = get(url);
                assertThat(dead.path("actionable").asBoolean()).isTrue();
                assertThat(dead.path("epoch").asLong()).isPositive();
                await("pending with the timeout shown").atMost(WAIT).until(() -> {
                    JsonNode nova = get(url).path("nova");
                    return "PENDING".equals(nova.path("state").asText())
                            && nova.path("lastError").asText().contains("did not answer");
                });
                assertThat(stub.compute.service(serviceId).forcedDown).isFalse();

                stub.hang(false);
                // Masakari is told after the force-down is recorded: wait for both outcomes.
                await("forced down, Masakari told").atMost(WAIT).until(() -> {
                    JsonNode nova = get(url).path("nova");
                    return "DONE".equals(nova.path("state").asText())
                            && !"PENDING".equals(nova.path("masakari").asText());
                });
                JsonNode done = get(url);
                assertThat(done.path("state").asText()).as("verdict fields stay at the top level").isEqualTo("DEAD");
                assertThat(done.path("nova").path("action").asText()).isEqualTo("FORCE_DOWN");
                assertThat(done.path("nova").path("serviceId").asText()).isEqualTo(serviceId);
                assertThat(done.path("nova").path("novaHost").asText()).isEqualTo("e2e1.cloud.example.com");
                assertThat(done.path("nova").path("masakari").asText()).isEqualTo("ACCEPTED");
                assertThat(stub.forcedDownCalls(true).stream().filter(c -> c.status == 200)).hasSize(1);
                assertThat(stub.compute.service(serviceId).forcedDown).isTrue();
                assertThat(stub.notifications()).hasSize(1);

                try (FakeMember back = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute",
                        "e2e1"), "127.0.0.1")) {
                    await("forced up").atMost(WAIT).until(() -> "FORCE_UP".equals(get(url).path("nova")
                            .path("action").asText()) && "DONE".equals(get(url).path("nova").path("state").asText()));
                    assertThat(get(url).path("nova").path("incarnation").asText())
                            .isEqualTo(back.incarnation.toString());
                    assertThat(stub.compute.service(serviceId).forcedDown).isFalse();
                    assertThat(stub.forcedDownCalls(true).stream().filter(c -> c.status == 200)).hasSize(1);
                }
            } finally {
                app.after();
            }
        }
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
                nova:
                  enabled: true
                  hostSuffix: .cloud.example.com
                  requestTimeout: 3s
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

    /** The JSON body, or a MissingNode when there is none (also when the service did not answer in time). */
    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.net.http.HttpTimeoutException slow) {
            return MissingNode.getInstance(); // a loaded machine: inside an await, asked again
        }
        JsonNode body = OpenStackHttp.parse(r.body());
        return body == null ? MissingNode.getInstance() : body;
    }
}
