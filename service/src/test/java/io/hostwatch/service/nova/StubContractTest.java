package io.hostwatch.service.nova;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract stub answers as the real services do: every answer recorded from the real
 * Keystone, Nova and Masakari ({@code openstack/real-answers.json}, checked against the real
 * services by the acceptance module's {@code RealAnswersIT}) is asked of the stub and must come
 * back with the same status, error key and message. The stub stays for what the real services
 * cannot be made to do on demand (slow answers, dropped connections, outages).
 */
@Timeout(30)
class StubContractTest {
    static final String UNKNOWN = "00000000-0000-4000-8000-000000000000";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    OpenStackStub stub;
    String host1;

    @BeforeEach
    void setUp() {
        stub = OpenStackStub.start();
        host1 = stub.compute.addService("host1");
        stub.masakari.addHost("host1");
    }

    @AfterEach
    void tearDown() {
        stub.close();
    }

    /** The recorded answers, by name. */
    static Map<String, JsonNode> realAnswers() throws IOException {
        try (InputStream in = StubContractTest.class.getResourceAsStream("/openstack/real-answers.json")) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            Json.mapper().readTree(in).path("answers").forEach(a -> out.put(a.path("name").asText(), a));
            return out;
        }
    }

    /** Asserts that {@code reply} is the recorded answer {@code name} for host {@code host}. */
    static void matches(JsonNode recorded, String host, int status, JsonNode body) {
        String name = recorded.path("name").asText();
        assertThat(status).as("%s: status", name).isEqualTo(recorded.path("status").asInt());
        String key = recorded.path("key").asText();
        assertThat(body.has(key)).as("%s: error key %s in %s", name, key, body).isTrue();
        String message = body.path(key).path("message").asText();
        if (recorded.has("message")) {
            assertThat(message).as(name).isEqualTo(recorded.path("message").asText().replace("{host}", host));
        } else {
            assertThat(message).as(name).startsWith(recorded.path("messageStart").asText());
        }
    }

    @Test
    void theStubGivesEveryRecordedAnswer() throws Exception {
        Map<String, JsonNode> real = realAnswers();
        assertThat(real.keySet()).containsExactlyInAnyOrder("keystone-wrong-password",
                "nova-unsupported-microversion", "nova-list-without-role", "nova-unknown-service",
                "nova-empty-update", "nova-unknown-key", "nova-reason-too-long", "nova-force-up-refused",
                "masakari-unknown-host", "masakari-duplicate", "masakari-on-maintenance");

        HttpResponse<String> wrong = send("POST", stub.authUrl() + "/auth/tokens", null, Map.of(), """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":\
                "Default"},"password":"wrong"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}"""
                .formatted(OpenStackStub.USER, OpenStackStub.PROJECT));
        check(real, "keystone-wrong-password", "", wrong);

        String token = token();
        String nova = stub.authUrl().replace("/identity/v3", "/compute/v2.1");
        Map<String, String> v253 = Map.of("OpenStack-API-Version", "compute 2.53");
        check(real, "nova-unsupported-microversion", "", send("GET", nova + "/os-services", token,
                Map.of("OpenStack-API-Version", "compute 2.200"), null));
        check(real, "nova-unknown-service", "", send("PUT", nova + "/os-services/" + UNKNOWN, token, v253,
                "{\"forced_down\":true}"));
        check(real, "nova-empty-update", "", send("PUT", nova + "/os-services/" + host1, token, v253, "{}"));
        check(real, "nova-unknown-key", "", send("PUT", nova + "/os-services/" + host1, token, v253,
                "{\"foo\":1}"));
        check(real, "nova-reason-too-long", "", send("PUT", nova + "/os-services/" + host1, token, v253,
                "{\"status\":\"disabled\",\"disabled_reason\":\"" + "x".repeat(256) + "\"}"));
        stub.compute.refuseForceUp("host1", 1);
        check(real, "nova-force-up-refused", "host1", send("PUT", nova + "/os-services/" + host1, token, v253,
                "{\"forced_down\":false}"));
        stub.compute.forbidAll(true);
        check(real, "nova-list-without-role", "", send("GET", nova + "/os-services?binary=nova-compute", token, v253,
                null));
        stub.compute.forbidAll(false);

        String masakari = stub.authUrl().replace("/identity/v3", "/instance-ha/v1");
        String notification = """
                {"notification":{"type":"COMPUTE_HOST","hostname":"%s","generated_time":"2026-11-30T03:00:00Z",\
                "payload":{"event":"STOPPED","host_status":"NORMAL","cluster_status":"OFFLINE"}}}""";
        check(real, "masakari-unknown-host", "no-such-host", send("POST", masakari + "/notifications", token,
                Map.of(), notification.formatted("no-such-host")));
        assertThat(send("POST", masakari + "/notifications", token, Map.of(), notification.formatted("host1"))
                .statusCode()).isEqualTo(202);
        check(real, "masakari-duplicate", "host1", send("POST", masakari + "/notifications", token, Map.of(),
                notification.formatted("host1")));
        stub.masakari.processAll();
        check(real, "masakari-on-maintenance", "host1", send("POST", masakari + "/notifications", token, Map.of(),
                notification.formatted("host1")));
    }

    private static void check(Map<String, JsonNode> real, String name, String host, HttpResponse<String> reply)
            throws IOException {
        matches(real.get(name), host, reply.statusCode(), Json.mapper().readTree(reply.body()));
    }

    private String token() throws Exception {
        HttpResponse<String> r = send("POST", stub.authUrl() + "/auth/tokens", null, Map.of(), """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":\
                "Default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}"""
                .formatted(OpenStackStub.USER, OpenStackStub.PASSWORD, OpenStackStub.PROJECT));
        assertThat(r.statusCode()).isEqualTo(201);
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static HttpResponse<String> send(String method, String url, String token, Map<String, String> headers,
                                             String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

}
