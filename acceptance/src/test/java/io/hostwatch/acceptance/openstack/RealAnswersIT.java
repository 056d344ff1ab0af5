package io.hostwatch.acceptance.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The answers recorded in {@code openstack/real-answers.json} (which the service module's
 * {@code StubContractTest} holds the contract stub to) are still what the real Keystone, Nova and
 * Masakari of the test bed answer: the stub cannot drift from them unnoticed.
 */
@Timeout(900)
class RealAnswersIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static final String HOST = "answers.hw";
    static OpenStackTestbed.Facts bed;

    @BeforeAll
    static void up() {
        bed = OpenStackTestbed.ensureUp();
        OpenStackTestbed.addHosts(HOST);
    }

    @Test
    void theRealServicesStillGiveEveryRecordedAnswer() throws Exception {
        Map<String, JsonNode> real = new LinkedHashMap<>();
        try (InputStream in = RealAnswersIT.class.getResourceAsStream("/openstack/real-answers.json")) {
            JSON.readTree(in).path("answers").forEach(a -> real.put(a.path("name").asText(), a));
        }
        String operator = token("hw-operator");
        String reader = token("hw-reader");
        String nova = bed.get("HW_NOVA_URL");
        Map<String, String> v253 = Map.of("OpenStack-API-Version", "compute 2.53");

        check(real, "keystone-wrong-password", "", send("POST", bed.authUrl() + "/auth/tokens", null, Map.of(),
                auth(bed.serviceUser(), "not-the-password")));
        check(real, "nova-unsupported-microversion", "", send("GET", nova + "/os-services", operator,
                Map.of("OpenStack-API-Version", "compute 2.200"), null));
        check(real, "nova-list-without-role", "", send("GET", nova + "/os-services?binary=nova-compute", reader, v253,
                null));
        check(real, "nova-unknown-service", "", send("PUT", nova + "/os-services/00000000-0000-4000-8000-000000000000",
                operator, v253, "{\"forced_down\":true}"));
        String id = JSON.readTree(send("GET", nova + "/os-services?binary=nova-compute&host=" + HOST, operator, v253,
                null).body()).path("services").get(0).path("id").asText();
        check(real, "nova-empty-update", "", send("PUT", nova + "/os-services/" + id, operator, v253, "{}"));
        check(real, "nova-unknown-key", "", send("PUT", nova + "/os-services/" + id, operator, v253, "{\"foo\":1}"));
        check(real, "nova-reason-too-long", "", send("PUT", nova + "/os-services/" + id, operator, v253,
                "{\"status\":\"disabled\",\"disabled_reason\":\"" + "x".repeat(256) + "\"}"));

        String masakari = bed.get("HW_MASAKARI_URL") + "/" + bed.get("HW_PROJECT_ID");
        String generated = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        check(real, "masakari-unknown-host", "no-such-host", send("POST", masakari + "/notifications", operator,
                Map.of(), notification("no-such-host", generated, "NORMAL")));
        // host_status UNKNOWN: stored, and ignored by the engine (the host is not put on maintenance).
        assertThat(send("POST", masakari + "/notifications", operator, Map.of(),
                notification(HOST, generated, "UNKNOWN")).statusCode()).isEqualTo(202);
        check(real, "masakari-duplicate", HOST, send("POST", masakari + "/notifications", operator, Map.of(),
                notification(HOST, generated, "UNKNOWN")));
        String hostPath = segmentHostPath(masakari, operator);
        assertThat(send("PUT", masakari + hostPath, operator, Map.of(), "{\"host\":{\"on_maintenance\":true}}")
                .statusCode()).isEqualTo(200);
        try {
            check(real, "masakari-on-maintenance", HOST, send("POST", masakari + "/notifications", operator, Map.of(),
                    notification(HOST, Instant.now().plusSeconds(3600).truncatedTo(ChronoUnit.SECONDS).toString(),
                            "NORMAL")));
        } finally {
            send("PUT", masakari + hostPath, operator, Map.of(), "{\"host\":{\"on_maintenance\":false}}");
        }
    }

    private static String segmentHostPath(String masakari, String token) throws Exception {
        for (JsonNode seg : JSON.readTree(send("GET", masakari + "/segments", token, Map.of(), null).body())
                .path("segments")) {
            String path = "/segments/" + seg.path("uuid").asText() + "/hosts";
            for (JsonNode h : JSON.readTree(send("GET", masakari + path, token, Map.of(), null).body()).path("hosts")) {
                if (HOST.equals(h.path("name").asText())) {
                    return path + "/" + h.path("uuid").asText();
                }
            }
        }
        throw new AssertionError("no Masakari host " + HOST);
    }

    private static void check(Map<String, JsonNode> real, String name, String host, HttpResponse<String> reply)
            throws IOException {
        JsonNode recorded = real.get(name);
        assertThat(recorded).as(name).isNotNull();
        assertThat(reply.statusCode()).as("%s: %s", name, reply.body()).isEqualTo(recorded.path("status").asInt());
        JsonNode body = JSON.readTree(reply.body());
        String key = recorded.path("key").asText();
        String message = body.path(key).path("message").asText();
        if (recorded.has("message")) {
            assertThat(message).as(name).isEqualTo(recorded.path("message").asText().replace("{host}", host));
        } else {
            assertThat(message).as(name).startsWith(recorded.path("messageStart").asText());
        }
    }

    private static String notification(String host, String generated, String hostStatus) {
        return """
                {"notification":{"type":"COMPUTE_HOST","hostname":"%s","generated_time":"%s",\
                "payload":{"event":"STOPPED","host_status":"%s","cluster_status":"OFFLINE"}}}"""
                .formatted(host, generated, hostStatus);
    }

    private static String auth(String user, String password) {
        return """
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":\
                "Default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}"""
                .formatted(user, password, bed.project());
    }

    private static String token(String user) throws Exception {
        HttpResponse<String> r = send("POST", bed.authUrl() + "/auth/tokens", null, Map.of(),
                auth(user, bed.passwordOf(user)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("X-Subject-Token").orElseThrow();
    }

    private static HttpResponse<String> send(String method, String url, String token, Map<String, String> headers,
                                             String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
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
