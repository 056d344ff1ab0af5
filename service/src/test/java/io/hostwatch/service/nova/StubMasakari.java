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

/**
 * The stub's Masakari: {@code POST /notifications}, strict about the body; 409 for a host on
 * maintenance and for a duplicate (same host and payload generated within 180 s), in that order,
 * with Masakari's own messages; the segment host list and update hostwatch uses to clear
 * {@code on_maintenance}. {@link #processAll()} plays the engine: it puts every host with an
 * accepted notification on maintenance, as the real engine does.
 */
final class StubMasakari {
    private static final Set<String> NOTIFICATION_KEYS = Set.of("type", "hostname", "generated_time", "payload");
    private static final Set<String> PAYLOAD_KEYS = Set.of("event", "host_status", "cluster_status");

    static final String SEGMENT = "5f8e3a52-0d8c-4c1e-9a57-2b7d4c6e1f00";

    private final Set<String> hosts = ConcurrentHashMap.newKeySet();
    private final Map<String, String> hostIds = new ConcurrentHashMap<>();
    private final Set<String> onMaintenance = ConcurrentHashMap.newKeySet();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> recent = new ConcurrentHashMap<>();

    /** Hosts Masakari knows (members of a failover segment). */
    void addHost(String host) {
        hosts.add(host);
        hostIds.putIfAbsent(host, UUID.randomUUID().toString());
    }

    /** The engine's part: every host with an accepted notification is on maintenance now. */
    void processAll() {
        onMaintenance.addAll(accepted);
        accepted.clear();
    }

    boolean onMaintenance(String host) {
        return onMaintenance.contains(host);
    }

    OpenStackStub.Reply handle(OpenStackStub.Call call, String path) {
        if (path.startsWith("/segments")) {
            return segments(call, path);
        }
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
        if (onMaintenance.contains(host)) {
            return new OpenStackStub.Reply(409, error("conflictingRequest", 409, "Notification received from host "
                    + host + " of type 'COMPUTE_HOST' is ignored as the host is already under maintenance."));
        }
        // Masakari compares generated_time with those of the notifications it has (not its own clock).
        String key = host + "|" + n.path("type").asText() + "|" + n.get("payload");
        Instant generated = Instant.parse(n.path("generated_time").asText());
        Instant before = recent.get(key);
        if (before != null && !before.isBefore(generated.minus(Duration.ofSeconds(180)))) {
            return new OpenStackStub.Reply(409, error("conflictingRequest", 409, "Notification received from host "
                    + host + " of type COMPUTE_HOST is duplicate."));
        }
        recent.merge(key, generated, (a, b) -> a.isAfter(b) ? a : b);
        accepted.add(host);
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode out = body.putObject("notification");
        out.setAll((ObjectNode) n);
        out.put("notification_uuid", UUID.randomUUID().toString()).put("status", "new");
        return new OpenStackStub.Reply(202, body);
    }

    private OpenStackStub.Reply segments(OpenStackStub.Call call, String path) {
        if (path.equals("/segments") && call.method.equals("GET")) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.putArray("segments").addObject().put("uuid", SEGMENT).put("name", "stub")
                    .put("recovery_method", "auto").put("service_type", "COMPUTE");
            return new OpenStackStub.Reply(200, body);
        }
        String hostsPath = "/segments/" + SEGMENT + "/hosts";
        if (path.equals(hostsPath) && call.method.equals("GET")) {
            ObjectNode body = Json.mapper().createObjectNode();
            var list = body.putArray("hosts");
            hostIds.forEach((name, id) -> list.addObject().put("uuid", id).put("name", name).put("type", "COMPUTE")
                    .put("on_maintenance", onMaintenance.contains(name)).put("failover_segment_id", SEGMENT));
            return new OpenStackStub.Reply(200, body);
        }
        if (path.startsWith(hostsPath + "/") && call.method.equals("PUT")) {
            String id = path.substring(hostsPath.length() + 1);
            String name = hostIds.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
            JsonNode h = call.json() == null ? null : call.json().get("host");
            if (name == null) {
                return new OpenStackStub.Reply(404, error("itemNotFound", 404, "Host " + id + " could not be found."));
            }
            if (h == null || !h.path("on_maintenance").isBoolean()) {
                return new OpenStackStub.Reply(400, error("badRequest", 400, "Invalid input for field/attribute"
                        + " host."));
            }
            if (h.get("on_maintenance").asBoolean()) {
                onMaintenance.add(name);
            } else {
                onMaintenance.remove(name);
            }
            ObjectNode body = Json.mapper().createObjectNode();
            body.putObject("host").put("uuid", id).put("name", name).put("on_maintenance", onMaintenance.contains(name));
            return new OpenStackStub.Reply(200, body);
        }
        return new OpenStackStub.Reply(404, error("itemNotFound", 404, "The resource could not be found."));
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
