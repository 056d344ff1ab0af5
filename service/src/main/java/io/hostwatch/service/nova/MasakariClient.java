package io.hostwatch.service.nova;

import io.hostwatch.schema.NovaAction;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link MasakariApi} over HTTP: catalog type {@code instance-ha}. */
public final class MasakariClient implements MasakariApi {
    private static final Logger LOG = LoggerFactory.getLogger(MasakariClient.class);

    private final OpenStackHttp http;
    private final OpenStackHttp.Service service;

    MasakariClient(OpenStackHttp http, String endpointOverride) {
        this.http = http;
        this.service = new OpenStackHttp.Service("Masakari", "instance-ha", endpointOverride);
    }

    @Override
    public NovaAction.Notification hostStopped(String hostname, Instant generatedTime) {
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
        int status = reply.status();
        if (status >= 200 && status < 300) {
            return NovaAction.Notification.ACCEPTED;
        }
        String message = "Masakari answered " + status + ": " + reply.message();
        if (status == 409) {
            LOG.info("Masakari already handles {}: {}", hostname, reply.message());
            return NovaAction.Notification.ALREADY_HANDLED;
        }
        if (status >= 500 || status == 429 || status == 408) {
            throw OpenStackException.transientFailure(status, message);
        }
        LOG.warn("Masakari refused the notification for {}: {}", hostname, message);
        return NovaAction.Notification.REJECTED;
    }
}
