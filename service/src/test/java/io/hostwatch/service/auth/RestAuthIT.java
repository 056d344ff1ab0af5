package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import io.hostwatch.service.testing.FakeMember;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with {@code auth.type: keystone} against {@link KeystoneStub}: every endpoint
 * with no token, a reader's, an operator's, a token without a hostwatch role and a revoked one;
 * audit fields in the records; strict request bodies; the admin port on loopback without /pprof.
 */
@Timeout(120)
class RestAuthIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void everyEndpointNeedsATokenWithTheRightRole() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        try (TestingServer zk = new TestingServer(true);
             KeystoneStub keystone = new KeystoneStub();
             CuratorFramework curator = CuratorFrameworkFactory.newClient(zk.getConnectString(),
                     new RetryOneTime(100))) {
            curator.start();
            Path secret = Files.writeString(dir.resolve("pw"), "secret");
            String yaml = """
                    server:
                      applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                      adminConnectors: [{type: http, port: 0}]
                    zookeeper: {connectString: "%s", sessionTimeout: 6s}
                    storage: {root: "%s", staleAfter: 1s, observeInterval: 200ms}
                    ping: {timeout: 300ms, icmp: never, ports: [1]}
                    auth: {type: keystone, tokenCacheTime: 1s}
                    keystone:
                      authUrl: "%s"
                      username: hostwatch
                      password: {file: "%s"}
                      projectName: service
                    """.formatted(zk.getConnectString(), storage, keystone.authUrl(), secret);
            DropwizardTestSupport<HostwatchConfiguration> app = new DropwizardTestSupport<>(
                    HostwatchApplication.class, Files.writeString(dir.resolve("hw.yml"), yaml).toString());
            app.before();
            try (FakeMember member = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute", "h1"),
                    "127.0.0.1")) {
                String base = "http://127.0.0.1:" + app.getLocalPort();
                Instant later = Instant.now().plusSeconds(3600);
                String reader = keystone.issue("hw-reader", "demo", later, "reader");
                String operator = keystone.issue("hw-operator", "admin", later, "admin");
                String norole = keystone.issue("hw-norole", "demo", later, "other");
                await("member known").atMost(WAIT).until(() -> call("GET", base + "/v1/groups/compute/members/h1",
                        reader, null).statusCode() == 200);

                String[] reads = {"/v1/groups", "/v1/groups/compute/members", "/v1/groups/compute/members/h1",
                        "/v1/groups/compute/members/h1/history", "/v1/detector", "/ui/other"};
                for (String path : reads) {
                    HttpResponse<String> anonymous = call("GET", base + path, null, null);
                    assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
                    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).as(path)
                            .contains("Keystone uri=\"" + keystone.authUrl() + "\"");
                    assertThat(call("GET", base + path, "gAAAAforged", null).statusCode()).as(path).isEqualTo(401);
                    assertThat(call("GET", base + path, norole, null).statusCode()).as(path).isEqualTo(403);
                    if (!path.startsWith("/ui/")) {
                        assertThat(call("GET", base + path, reader, null).statusCode()).as(path).isEqualTo(200);
                        assertThat(call("GET", base + path, operator, null).statusCode()).as(path).isEqualTo(200);
                    }
                }

                // The dashboard's static shell loads without a token (it holds no data); its calls need one.
                HttpResponse<String> page = call("GET", base + "/ui/", null, null);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("X-Auth-Token");
                assertThat(call("GET", base + "/ui/dashboard.js", null, null).statusCode()).isEqualTo(200);
                assertThat(call("GET", base + "/ui/../v1/groups", null, null).statusCode()).isNotEqualTo(200);

                String maintenance = base + "/v1/groups/compute/members/h1/maintenance";
                String body = "{\"reason\":\"kernel upgrade\",\"for\":\"2h\"}";
                assertThat(call("PUT", maintenance, null, body).statusCode()).isEqualTo(401);
                assertThat(call("PUT", maintenance, reader, body).statusCode()).isEqualTo(403);
                assertThat(curator.checkExists().forPath(ZkPaths.maintenance(member.id))).isNull();
                assertThat(call("PUT", maintenance, operator, "{\"reason\":\"x\",\"expires_at\":\"2030-01-01T00:00:00Z\"}")
                        .statusCode()).as("unknown field").isEqualTo(400);
                assertThat(curator.checkExists().forPath(ZkPaths.maintenance(member.id))).isNull();
                HttpResponse<String> set = call("PUT", maintenance, operator, body);
                assertThat(set.statusCode()).isEqualTo(200);
                assertThat(Json.mapper().readTree(set.body()).path("setBy").asText()).isEqualTo("hw-operator@admin");
                assertThat(Json.mapper().readTree(curator.getData().forPath(ZkPaths.maintenance(member.id)))
                        .path("setBy").asText()).isEqualTo("hw-operator@admin");
                assertThat(call("DELETE", maintenance, reader, null).statusCode()).isEqualTo(403);
                assertThat(call("DELETE", maintenance, operator, null).statusCode()).isEqualTo(204);

                curator.create().creatingParentsIfNeeded().forPath(ZkPaths.brake("compute"), Json.write(
                        new BrakeRecord("compute", true, Instant.now(), 3, 4, "test", null)));
                String brake = base + "/v1/groups/compute/brake";
                await("brake seen").atMost(WAIT).until(() -> call("GET", brake, reader, null).body()
                        .contains("\"engaged\":true"));
                assertThat(call("DELETE", brake, null, null).statusCode()).isEqualTo(401);
                assertThat(call("DELETE", brake, reader, null).statusCode()).isEqualTo(403);
                assertThat(call("GET", brake, reader, null).body()).contains("\"engaged\":true");
                HttpResponse<String> released = call("DELETE", brake, operator, null);
                assertThat(released.statusCode()).isEqualTo(200);
                JsonNode r = Json.mapper().readTree(released.body());
                assertThat(r.path("releasedBy").asText()).isEqualTo("hw-operator@admin");
                assertThat(r.path("engaged").asBoolean()).isFalse();

                String reader2 = keystone.issue("hw-reader2", "demo", later, "reader");
                // Revoked: refused once the (configured, 1 s) cache time has passed, without a restart.
                keystone.revoke(reader);
                await("revocation seen").atMost(Duration.ofSeconds(10)).until(() ->
                        call("GET", base + "/v1/groups", reader, null).statusCode() == 401);

                // Admin port: loopback only, /pprof gone, health checks answer.
                String admin = "http://127.0.0.1:" + app.getAdminPort();
                assertThat(call("GET", admin + "/pprof", operator, null).statusCode()).isEqualTo(404);
                assertThat(call("GET", admin + "/ping", null, null).statusCode()).isEqualTo(200);
                assertThat(call("GET", admin + "/healthcheck", null, null).statusCode()).isIn(200, 500);
                assertThat(call("GET", admin + "/threads", null, null).statusCode()).isEqualTo(401);
                assertThat(call("GET", admin + "/threads", operator, null).statusCode()).isEqualTo(200);
                String logLevel = admin + "/tasks/log-level?logger=io.hostwatch&level=OFF";
                assertThat(call("POST", logLevel, null, null).statusCode()).isEqualTo(401);
                assertThat(call("POST", logLevel, reader2, null).statusCode()).as("reader").isEqualTo(403);
                assertThat(call("POST", admin + "/tasks/log-level?logger=io.hostwatch&level=INFO", operator, null)
                        .statusCode()).isEqualTo(200);
                JsonNode detector = Json.mapper().readTree(call("GET", base + "/v1/detector", operator, null).body());
                assertThat(detector.path("security").path("auth").asText()).isEqualTo("keystone");
                assertThat(detector.path("security").path("admin").get(0).asText()).startsWith("http://127.0.0.1:");
            } finally {
                app.after();
            }
        }
    }

    private HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
