package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.schema.EnrollmentRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.OperatorAction;
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
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who did it, in the records: through the whole service ({@code auth.type: keystone} against
 * {@link KeystoneStub}) and a real ZooKeeper, every operator call answers its request id in
 * {@code X-OpenStack-Request-Id}, and the records it changes keep the caller and that id: the
 * enrollment record, the maintenance record (set and ended), the verdict history entries of the
 * transitions maintenance on and off cause, and the decommissioning in the enrollment record.
 */
@Timeout(120)
class OperatorAuditIT {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final String OPERATOR = "hw-operator@admin";
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void everyOperatorCallIsRecordedWithItsCallerAndRequestId() throws Exception {
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
                    detection: {recheckInterval: 500ms}
                    auth: {type: keystone}
                    keystone:
                      authUrl: "%s"
                      username: hostwatch
                      password: {file: "%s"}
                      projectName: service
                    """.formatted(zk.getConnectString(), storage, keystone.authUrl(), secret);
            DropwizardTestSupport<HostwatchConfiguration> app = new DropwizardTestSupport<>(
                    HostwatchApplication.class, Files.writeString(dir.resolve("hw.yml"), yaml).toString());
            app.before();
            try {
                String base = "http://127.0.0.1:" + app.getLocalPort();
                String operator = keystone.issue("hw-operator", "admin", Instant.now().plusSeconds(3600), "admin");
                MemberId id = MemberId.of("compute", "h1");
                String member = base + "/v1/groups/compute/members/h1";

                // Enrollment: the node's record names the caller, the time and the request.
                HttpResponse<String> enrolled = call("PUT", member + "/enrollment", operator, null);
                assertThat(enrolled.statusCode()).isEqualTo(201);
                String enrollId = requestId(enrolled);
                EnrollmentRecord record = Json.read(curator.getData().forPath(ZkPaths.member(id)),
                        EnrollmentRecord.class);
                assertThat(record.setBy()).isEqualTo(OPERATOR);
                assertThat(record.requestId()).isEqualTo(enrollId);
                assertThat(record.setAt()).isNotNull();
                JsonNode shown = Json.mapper().readTree(call("GET", member + "/enrollment", operator, null).body());
                assertThat(shown.path("setBy").asText()).isEqualTo(OPERATOR);
                assertThat(shown.path("requestId").asText()).isEqualTo(enrollId);

                try (FakeMember h1 = new FakeMember(zk.getConnectString(), storage, id, "127.0.0.1")) {
                    await("h1 RUNNING").atMost(WAIT).until(() -> newest(base, operator).path("state").asText()
                            .equals("RUNNING"));
                    assertThat(newest(base, operator).has("operatorAction")).as("the detector's own transition")
                            .isFalse();

                    // Maintenance on: record and the history entry of the transition name the call.
                    HttpResponse<String> on = call("PUT", member + "/maintenance", operator,
                            "{\"reason\":\"kernel upgrade\"}");
                    assertThat(on.statusCode()).isEqualTo(200);
                    String onId = requestId(on);
                    Maintenance set = Json.read(curator.getData().forPath(ZkPaths.maintenance(id)), Maintenance.class);
                    assertThat(set.setBy()).isEqualTo(OPERATOR);
                    assertThat(set.requestId()).isEqualTo(onId);
                    assertThat(set.setAt()).isNotNull();
                    await("MAINTENANCE in the history").atMost(WAIT).until(() -> newest(base, operator)
                            .path("state").asText().equals("MAINTENANCE"));
                    assertAction(newest(base, operator), OperatorAction.MAINTENANCE_ON, onId);

                    // Maintenance off: the record is kept, ended by the call, and the history names it.
                    HttpResponse<String> off = call("DELETE", member + "/maintenance", operator, null);
                    assertThat(off.statusCode()).isEqualTo(204);
                    String offId = requestId(off);
                    Maintenance ended = Json.read(curator.getData().forPath(ZkPaths.maintenance(id)),
                            Maintenance.class);
                    assertThat(ended.ended().by()).isEqualTo(OPERATOR);
                    assertThat(ended.ended().requestId()).isEqualTo(offId);
                    assertThat(ended.expiresAt()).isEqualTo(ended.ended().at());
                    assertThat(call("GET", member + "/maintenance", operator, null).statusCode()).isEqualTo(404);
                    assertThat(call("DELETE", member + "/maintenance", operator, null).statusCode()).isEqualTo(404);
                    await("RUNNING again in the history").atMost(WAIT).until(() -> newest(base, operator)
                            .path("state").asText().equals("RUNNING"));
                    assertAction(newest(base, operator), OperatorAction.MAINTENANCE_OFF, offId);
                    JsonNode history = history(base, operator);
                    assertAction(history.get(1), OperatorAction.MAINTENANCE_ON, onId);
                }

                // Decommissioning once the heartbeat is gone: the enrollment record keeps who did it.
                AtomicReference<HttpResponse<String>> forgotten = new AtomicReference<>();
                await("decommissioned").atMost(WAIT).until(() -> {
                    forgotten.set(call("DELETE", member, operator, null));
                    return forgotten.get().statusCode() == 204;
                });
                EnrollmentRecord after = Json.read(curator.getData().forPath(ZkPaths.member(id)),
                        EnrollmentRecord.class);
                assertThat(after.decommissioned().action()).isEqualTo(OperatorAction.DECOMMISSION);
                assertThat(after.decommissioned().by()).isEqualTo(OPERATOR);
                assertThat(after.decommissioned().requestId()).isEqualTo(requestId(forgotten.get()));
                assertThat(after.setBy()).isEqualTo(OPERATOR);
                assertThat(curator.checkExists().forPath(ZkPaths.verdict(id))).isNull();
            } finally {
                app.after();
            }
        }
    }

    private static void assertAction(JsonNode verdict, String action, String requestId) {
        JsonNode a = verdict.path("operatorAction");
        assertThat(a.path("action").asText()).as("%s", verdict).isEqualTo(action);
        assertThat(a.path("by").asText()).isEqualTo(OPERATOR);
        assertThat(a.path("requestId").asText()).isEqualTo(requestId);
        assertThat(a.path("at").asText()).isNotEmpty();
    }

    private static String requestId(HttpResponse<?> response) {
        String id = response.headers().firstValue(CallerFilter.REQUEST_ID_HEADER).orElseThrow();
        assertThat(id).startsWith("req-");
        return id;
    }

    private JsonNode history(String base, String token) throws Exception {
        HttpResponse<String> r = call("GET", base + "/v1/groups/compute/members/h1/history", token, null);
        return r.statusCode() == 200 ? Json.mapper().readTree(r.body()).path("transitions")
                : Json.mapper().createArrayNode();
    }

    /** The newest history entry (an empty node while there is none). */
    private JsonNode newest(String base, String token) throws Exception {
        JsonNode transitions = history(base, token);
        return transitions.size() == 0 ? Json.mapper().createObjectNode() : transitions.get(0);
    }

    private HttpResponse<String> call(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("X-Auth-Token", token);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
