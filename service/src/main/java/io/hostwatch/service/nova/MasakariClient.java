package io.hostwatch.service.nova;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link MasakariApi} over HTTP: catalog type {@code instance-ha}. */
public final class MasakariClient implements MasakariApi {
    private final OpenStackHttp http;
    private final OpenStackHttp.Service service;

    MasakariClient(OpenStackHttp http, String endpointOverride) {
        this.http = http;
        this.service = new OpenStackHttp.Service("Masakari", "instance-ha", endpointOverride);
    }

    @Override
    public Answer hostStopped(String hostname, Instant generatedTime) {
        // Masakari accepts exactly these payload keys for COMPUTE_HOST (anything else is a 400).
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", "STOPPED");
        payload.put("host_status", "NORMAL");
        payload.put("cluster_status", "OFFLINE");
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("type", "COMPUTE_HOST");
        notification.put("hostname", hostname);
        notification.put("generated_time", generatedTime.truncatedTo(ChronoUnit.SECONDS).toString());
        notification.put("payload", payload);
        OpenStackHttp.Reply reply = http.send(service, "POST", "/notifications", Map.of("notification", notification),
                Map.of());
        throwIfTransient(reply, "notify the failure of " + hostname);
        String id = reply.body() == null ? null : text(reply.body().path("notification").get("notification_uuid"));
        return new Answer(reply.status(), reply.message(), id);
    }

    @Override
    public Answer clearMaintenance(String hostname) {
        OpenStackHttp.Reply segments = http.send(service, "GET", "/segments", null, Map.of());
        throwIfTransient(segments, "list the failover segments");
        if (segments.status() != 200) {
            return new Answer(segments.status(), segments.message(), null);
        }
        for (JsonNode segment : segments.body().path("segments")) {
            String seg = segment.path("uuid").asText();
            OpenStackHttp.Reply hosts = http.send(service, "GET", "/segments/" + enc(seg) + "/hosts", null, Map.of());
            throwIfTransient(hosts, "list the hosts of segment " + seg);
            if (hosts.status() != 200) {
                return new Answer(hosts.status(), hosts.message(), null);
            }
            for (JsonNode host : hosts.body().path("hosts")) {
                if (!hostname.equals(host.path("name").asText())) {
                    continue;
                }
                if (!host.path("on_maintenance").asBoolean(false)) {
                    return new Answer(200, "not on maintenance", null);
                }
                OpenStackHttp.Reply put = http.send(service, "PUT", "/segments/" + enc(seg) + "/hosts/"
                        + enc(host.path("uuid").asText()), Map.of("host", Map.of("on_maintenance", false)), Map.of());
                throwIfTransient(put, "clear on_maintenance of " + hostname);
                return new Answer(put.status(), put.message(), null);
            }
        }
        return new Answer(404, "no failover segment has the host " + hostname, null);
    }

    private static void throwIfTransient(OpenStackHttp.Reply reply, String what) {
        int status = reply.status();
        if (status >= 500 || status == 429 || status == 408) {
            throw OpenStackException.transientFailure(status, "Masakari answered " + status + " to " + what + ": "
                    + reply.message());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? null : v.asText();
    }
}
