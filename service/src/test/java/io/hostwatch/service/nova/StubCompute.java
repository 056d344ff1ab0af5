package io.hostwatch.service.nova;

import static io.hostwatch.service.nova.OpenStackStub.error;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/** The stub's Nova: {@code GET /os-services} and {@code PUT /os-services/{id}} at microversion 2.53+. */
public final class StubCompute {
    private static final Pattern UUID_FORMAT = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern MICROVERSION = Pattern.compile("compute (\\d+)\\.(\\d+)");
    private static final Set<String> UPDATE_KEYS = Set.of("status", "disabled_reason", "forced_down");

    /** One nova-compute service; {@code id} null for an entry of a cell that is down. */
    public static final class Service {
        public final String id;
        public final String host;
        public volatile boolean forcedDown;
        public volatile String status = "enabled";
        public volatile String disabledReason;

        Service(String id, String host) {
            this.id = id;
            this.host = host;
        }
    }

    private final List<Service> services = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> forceUpRefusals = new ConcurrentHashMap<>();
    private volatile int minMinor = 1;
    private volatile boolean forbidden;
    private volatile boolean forbiddenAll;

    /** Registers a nova-compute service on {@code host}; returns its UUID. */
    public String addService(String host) {
        String id = UUID.randomUUID().toString();
        services.add(new Service(id, host));
        return id;
    }

    /** An entry without an id, as Nova lists a service of a cell that is down. */
    void addServiceOfDownCell(String host) {
        services.add(new Service(null, host));
    }

    public Service service(String id) {
        return services.stream().filter(s -> id.equals(s.id)).findFirst().orElseThrow();
    }

    /** The next {@code times} force-ups of {@code host} are refused: evacuation records remain. */
    void refuseForceUp(String host, int times) {
        forceUpRefusals.put(host, new AtomicInteger(times));
    }

    /** Microversions below 2.{@code minor} get a 406. */
    void minimumMicroversion(int minor) {
        minMinor = minor;
    }

    /** Every call is refused by policy (403), as for a user without the admin role. */
    void forbidAll(boolean value) {
        forbiddenAll = value;
    }

    /** Every update is refused by policy (403). */
    void forbidUpdates(boolean value) {
        forbidden = value;
    }

    OpenStackStub.Reply handle(OpenStackStub.Call call, String path) {
        var m = call.microversion == null ? null : MICROVERSION.matcher(call.microversion);
        if (m == null || !m.matches() || !m.group(1).equals("2") || Integer.parseInt(m.group(2)) < minMinor
                || Integer.parseInt(m.group(2)) > 93) {
            String version = call.microversion == null ? "" : call.microversion.replaceFirst("^compute ", "");
            return new OpenStackStub.Reply(406, error("computeFault", 406, "Version " + version
                    + " is not supported by the API. Minimum is 2." + minMinor + " and maximum is 2.93."));
        }
        if (forbiddenAll) {
            String rule = call.method.equals("GET") ? "list" : "update";
            return new OpenStackStub.Reply(403, error("forbidden", 403,
                    "Policy doesn't allow os_compute_api:os-services:" + rule + " to be performed."));
        }
        if (path.equals("/os-services") && call.method.equals("GET")) {
            return list(query(call.query));
        }
        if (path.startsWith("/os-services/") && call.method.equals("PUT")) {
            return update(path.substring("/os-services/".length()), call.json());
        }
        return new OpenStackStub.Reply(404, error("itemNotFound", 404, "The resource could not be found."));
    }

    private OpenStackStub.Reply list(Map<String, String> query) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode out = body.putArray("services");
        for (Service s : services) {
            boolean binary = !query.containsKey("binary") || "nova-compute".equals(query.get("binary"));
            if (binary && (!query.containsKey("host") || s.host.equals(query.get("host")))) {
                out.add(json(s));
            }
        }
        return new OpenStackStub.Reply(200, body);
    }

    private OpenStackStub.Reply update(String id, JsonNode body) {
        if (!UUID_FORMAT.matcher(id).matches()) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "Invalid uuid " + id));
        }
        Service s = services.stream().filter(x -> id.equals(x.id)).findFirst().orElse(null);
        if (s == null) {
            return new OpenStackStub.Reply(404, error("itemNotFound", 404, "Service " + id + " could not be found."));
        }
        if (forbidden) {
            return new OpenStackStub.Reply(403, error("forbidden", 403,
                    "Policy doesn't allow os_compute_api:os-services:update to be performed."));
        }
        if (body == null || !body.isObject() || body.isEmpty()) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "No updates were requested. Fields 'status'"
                    + " or 'forced_down' should be specified."));
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!UPDATE_KEYS.contains(key)) {
                return new OpenStackStub.Reply(400, error("badRequest", 400, "Additional properties are not allowed ('"
                        + key + "' was unexpected)"));
            }
        }
        String reason = body.path("disabled_reason").asText("");
        if (reason.length() > 255) {
            return new OpenStackStub.Reply(400, error("badRequest", 400, "Invalid input for field/attribute"
                    + " disabled_reason. Value: " + reason + ". '" + reason + "' is too long"));
        }
        String status = body.path("status").asText(s.status);
        if (body.has("disabled_reason") && !"disabled".equals(status)) {
            return new OpenStackStub.Reply(400, error("badRequest", 400,
                    "Specifying 'disabled_reason' with status 'enabled' is invalid."));
        }
        if (body.has("forced_down") && !body.get("forced_down").asBoolean()) {
            AtomicInteger refusals = forceUpRefusals.get(s.host);
            if (refusals != null && refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return new OpenStackStub.Reply(400, error("badRequest", 400, "Unable to force up host " + s.host
                        + " as `done` evacuation migration records remain associated with the host. Ensure the"
                        + " compute service has been restarted, allowing these records to move to `completed` before"
                        + " retrying this request."));
            }
        }
        if (body.has("forced_down")) {
            s.forcedDown = body.get("forced_down").asBoolean();
        }
        if (body.has("status")) {
            s.status = status;
            s.disabledReason = "disabled".equals(status) ? body.path("disabled_reason").asText(null) : null;
        }
        ObjectNode reply = Json.mapper().createObjectNode();
        reply.set("service", json(s));
        return new OpenStackStub.Reply(200, reply);
    }

    private static ObjectNode json(Service s) {
        ObjectNode o = Json.mapper().createObjectNode();
        if (s.id != null) {
            o.put("id", s.id);
        }
        o.put("binary", "nova-compute").put("host", s.host).put("state", s.forcedDown ? "down" : "up")
                .put("status", s.status).put("forced_down", s.forcedDown).put("zone", "nova")
                .put("disabled_reason", s.disabledReason).put("updated_at", "2026-11-24T12:00:00.000000");
        return o;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new ConcurrentHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }
}
