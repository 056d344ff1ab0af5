package io.hostwatch.service.nova;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link NovaApi} over HTTP: catalog type {@code compute}, header {@code OpenStack-API-Version: compute 2.53}. */
public final class NovaClient implements NovaApi {
    /** The lowest microversion with UUID service ids and {@code PUT /os-services/{id}}. */
    public static final String MICROVERSION = "compute 2.53";
    /** Nova keeps {@code disabled_reason} in a 255-character column. */
    static final int MAX_REASON = 255;

    private static final Map<String, String> HEADERS = Map.of("OpenStack-API-Version", MICROVERSION);

    private final OpenStackHttp http;
    private final OpenStackHttp.Service service;

    NovaClient(OpenStackHttp http, String endpointOverride) {
        this.http = http;
        this.service = new OpenStackHttp.Service("Nova", "compute", endpointOverride);
    }

    @Override
    public List<ComputeService> computeServices(String novaHost) {
        OpenStackHttp.Reply reply = http.send(service, "GET", "/os-services?binary=nova-compute&host="
                + URLEncoder.encode(novaHost, StandardCharsets.UTF_8), null, HEADERS);
        check(reply, "list the nova-compute services of " + novaHost, false);
        JsonNode services = reply.body() == null ? null : reply.body().get("services");
        if (services == null || !services.isArray()) {
            throw OpenStackException.transientFailure(reply.status(), "Nova answered the service list without a"
                    + " 'services' array");
        }
        List<ComputeService> out = new ArrayList<>();
        for (JsonNode s : services) {
            ComputeService c = ComputeService.of(s);
            // Nova filters by exact host already; keep only what matches exactly, whatever the server does.
            if (novaHost.equals(c.host()) && (c.binary() == null || "nova-compute".equals(c.binary()))) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public void forceDown(String serviceId, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("forced_down", true);
        body.put("status", "disabled");
        body.put("disabled_reason", reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON));
        update(serviceId, body, "force down", false);
    }

    @Override
    public void forceUp(String serviceId) {
        update(serviceId, Map.of("forced_down", false), "force up", true);
    }

    @Override
    public void enable(String serviceId) {
        update(serviceId, Map.of("status", "enabled"), "enable", false);
    }

    private void update(String serviceId, Map<String, Object> body, String what, boolean forceUp) {
        OpenStackHttp.Reply reply = http.send(service, "PUT", "/os-services/"
                + URLEncoder.encode(serviceId, StandardCharsets.UTF_8), body, HEADERS);
        check(reply, what + " service " + serviceId, forceUp);
    }

    /** Throws unless {@code reply} is a 2xx; sorts the failure into retryable or final. */
    static void check(OpenStackHttp.Reply reply, String what, boolean forceUp) {
        int status = reply.status();
        if (status >= 200 && status < 300) {
            return;
        }
        String message = "Nova answered " + status + " to " + what + ": " + reply.message();
        if (status == 400 && forceUp && refusesForceUp(reply.message())) {
            throw OpenStackException.transientFailure(status, message + " (evacuations of the host are not cleaned"
                    + " up yet; retrying)");
        }
        if (status >= 500 || status == 429 || status == 408) {
            throw OpenStackException.transientFailure(status, message);
        }
        String hint = switch (status) {
            case 403 -> " (the Keystone user lacks the role the os-services policy needs, by default admin)";
            case 404 -> " (no such service)";
            case 406 -> " (this Nova does not support microversion 2.53)";
            default -> "";
        };
        throw OpenStackException.finalFailure(status, message + hint);
    }

    private static boolean refusesForceUp(String message) {
        return message != null && (message.contains("Unable to force up")
                || message.contains("evacuation migration records remain"));
    }
}
