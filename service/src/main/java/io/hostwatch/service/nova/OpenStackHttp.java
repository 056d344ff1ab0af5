package io.hostwatch.service.nova;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * One JSON request to an OpenStack service found in the Keystone catalog (or at a configured
 * override), with the token attached. A 401 drops the token and the request is sent once more
 * with a fresh one; a second 401 is a configuration error, not retried. Every request has the
 * client's connect timeout and {@code requestTimeout}; no answer in time is a transient failure.
 */
final class OpenStackHttp {
    /** Where a service lives: its catalog type, or an explicit endpoint. */
    record Service(String name, String catalogType, String endpointOverride) {
    }

    /** An HTTP answer: status, parsed JSON body (null when empty or not JSON) and the raw text. */
    record Reply(int status, JsonNode body, String text) {
        String message() {
            return errorMessage(body, text);
        }
    }

    private final KeystoneSession keystone;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Counter requests;
    private final Counter failures;
    private final Counter reauthentications;

    OpenStackHttp(KeystoneSession keystone, HttpClient http, Duration requestTimeout, MetricRegistry metrics) {
        this.keystone = keystone;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.requests = metrics.counter(MetricRegistry.name("hostwatch", "openstack", "requests"));
        this.failures = metrics.counter(MetricRegistry.name("hostwatch", "openstack", "failures"));
        this.reauthentications = metrics.counter(MetricRegistry.name("hostwatch", "openstack", "reauthentications"));
    }

    /** Sends {@code method path} (path relative to the service endpoint, may carry a query) with a JSON body. */
    Reply send(Service service, String method, String path, Object body, Map<String, String> headers) {
        for (int attempt = 1; ; attempt++) {
            KeystoneSession.Token token = keystone.token();
            URI base = service.endpointOverride() != null ? URI.create(service.endpointOverride())
                    : keystone.endpoint(token, service.catalogType());
            HttpRequest.Builder b = HttpRequest.newBuilder(resolve(base, path))
                    .timeout(requestTimeout)
                    .header("X-Auth-Token", token.value())
                    .header("Accept", "application/json");
            headers.forEach(b::header);
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(encode(body)));
            }
            Reply reply = exchange(service, method, path, b.build());
            if (reply.status() != 401) {
                if (reply.status() >= 500) {
                    failures.inc();
                }
                return reply;
            }
            keystone.invalidate(token);
            if (attempt > 1) {
                failures.inc();
                throw OpenStackException.finalFailure(401, service.name() + " refused a fresh Keystone token (401: "
                        + reply.message() + "): check keystone.* and the user's roles");
            }
            reauthentications.inc();
        }
    }

    private Reply exchange(Service service, String method, String path, HttpRequest request) {
        requests.inc();
        try {
            HttpResponse<String> response = http.send(request, BoundedBody.handler(BoundedBody.DEFAULT_MAX));
            return new Reply(response.statusCode(), parse(response.body()), response.body());
        } catch (HttpTimeoutException e) {
            failures.inc();
            throw OpenStackException.transientFailure(service.name() + " did not answer " + method + " " + pathOnly(path)
                    + " within " + requestTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            failures.inc();
            throw OpenStackException.transientFailure("cannot reach " + service.name() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpenStackException.transientFailure("interrupted while calling " + service.name(), e);
        }
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    static URI resolve(URI base, String path) {
        String b = base.toString();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return URI.create(b + (path.startsWith("/") ? path : "/" + path));
    }

    private static byte[] encode(Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (IOException e) {
            throw OpenStackException.finalFailure(0, "cannot encode request body: " + e.getMessage());
        }
    }

    /** The JSON of a body, or null when it is empty or not JSON. */
    static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The human message of an OpenStack error body: Nova's {@code {"badRequest": {"message": ...}}},
     * Keystone's {@code {"error": {"message": ...}}}, or the start of the raw text.
     */
    static String errorMessage(JsonNode body, String text) {
        if (body != null && body.isObject()) {
            if (body.hasNonNull("message")) {
                return clip(body.get("message").asText());
            }
            for (Iterator<JsonNode> it = body.elements(); it.hasNext(); ) {
                JsonNode inner = it.next();
                if (inner.isObject() && inner.hasNonNull("message")) {
                    return clip(inner.get("message").asText());
                }
            }
        }
        return text == null || text.isBlank() ? "(no message)" : clip(text.strip());
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
