package io.hostwatch.service.nova;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * One entry of Nova's {@code GET /os-services}: the parts hostwatch uses.
 *
 * @param id the service's UUID (microversion 2.53+); null for an entry from a cell that is down
 * @param binary {@code nova-compute}
 * @param host the service host, as Nova knows it
 * @param state {@code up} or {@code down}
 * @param status {@code enabled} or {@code disabled}
 * @param forcedDown whether it is forced down
 */
public record ComputeService(String id, String binary, String host, String state, String status,
                             boolean forcedDown) {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    static ComputeService of(JsonNode s) {
        return new ComputeService(text(s, "id"), text(s, "binary"), text(s, "host"), text(s, "state"),
                text(s, "status"), s.path("forced_down").asBoolean(false));
    }

    /** True when {@link #id} is a UUID, the only id hostwatch will address a service by. */
    public boolean hasUuid() {
        return id != null && UUID.matcher(id).matches();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
