package io.hostwatch.service.nova;

import static io.hostwatch.service.nova.OpenStackStub.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The stub's Masakari: {@code POST /notifications}, strict about the body, 409 for a duplicate within 180 s. */
final class StubMasakari {
    private static final Set<String> NOTIFICATION_KEYS = Set.of("type", "hostname", "generated_time", "payload");
    private static final Set<String> PAYLOAD_KEYS = Set.of("event", "host_status", "cluster_status");

    private final Set<String> hosts = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> recent = new ConcurrentHashMap<>();

    /** Hosts Masakari knows (members of a failover segment). */
    void addHost(String host) {
        hosts.add(host);
    }

    OpenStackStub.Reply handle(OpenStackStub.Call call, String path) {
        if (!path.equals("/notifications") || !call.method.equals("POST")) {
            return new OpenStackStub.Reply(404, error("itemNotFound", 404, "The resource could not be found."));
        }
        JsonNode n = call.json() == null ? null : call.json().get("notification");
        if (n == null || !n.isObject() || !keys(n).equals(NOTIFICATION_KEYS) || !n.path("payload").isObject()
                || !keys(n.get("payload")).equals(PAYLOAD_KEYS)) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "Invalid input for field/attribute"
                    + " notification."));
        }
        String hostStatus = n.get("payload").path("host_status").asText();
        if (!"COMPUTE_HOST".equals(n.path("type").asText()) || !Set.of("NORMAL", "UNKNOWN").contains(hostStatus)) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "Invalid input for field/attribute"
                    + " payload."));
        }
        try {
            Instant.parse(n.path("generated_time").asText());
        } catch (RuntimeException e) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "Invalid generated_time"));
        }
        String host = n.path("hostname").asText();
        if (!hosts.contains(host)) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "Host with name " + host
                    + " could not be found."));
        }
        String key = host + "|" + n.path("type").asText() + "|" + n.get("payload");
        Instant now = Instant.now();
        Instant before = recent.put(key, now);
        if (before != null && Duration.between(before, now).compareTo(Duration.ofSeconds(180)) < 0) {
            return new OpenStackStub.Reply(409, error("conflictingRequest", 409, "Notification received from host "
                    + host + " of type 'COMPUTE_HOST' is ignored as it is a duplicate."));
        }
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode out = body.putObject("notification");
        out.setAll((ObjectNode) n);
        out.put("notification_uuid", UUID.randomUUID().toString()).put("status", "new");
        return new OpenStackStub.Reply(202, body);
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
