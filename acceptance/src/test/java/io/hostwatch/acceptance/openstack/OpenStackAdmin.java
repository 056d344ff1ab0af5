package io.hostwatch.acceptance.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a test sees of the test bed as an operator: Nova's and Masakari's own answers (as
 * {@code hw-operator}, admin on the project), the request logs of the bed's APIs, and the
 * {@code openstack} CLI. Used to check hostwatch's effects in the real services, never to make them.
 */
public final class OpenStackAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String OPERATOR = "hw-operator";

    /** One line of a bed API's request log. */
    public record Request(Instant at, String method, String uri, int status, String agent) {
        /** A request hostwatch made (Java's HTTP client), not one of the OpenStack services' own. */
        public boolean fromHostwatch() {
            return agent.startsWith("Java-http-client");
        }
    }

    private final OpenStackTestbed.Facts bed;
    private String token;

    public OpenStackAdmin(OpenStackTestbed.Facts bed) {
        this.bed = bed;
    }

    /** {@code GET /os-services?binary=nova-compute&host=HOST} as the operator: the one service. */
    public JsonNode computeService(String host) {
        JsonNode services = nova("GET", "/os-services?binary=nova-compute&host=" + enc(host)).path("services");
        if (services.size() != 1) {
            throw new AssertionError("Nova lists " + services.size() + " nova-compute services on " + host + ": "
                    + services);
        }
        return services.get(0);
    }

    /** Masakari's notification {@code uuid}. */
    public JsonNode notification(String uuid) {
        return masakari("GET", "/notifications/" + enc(uuid), null).path("notification");
    }

    /** Masakari's segment host {@code name} (in segment {@code hostwatch}). */
    public JsonNode segmentHost(String name) {
        for (JsonNode seg : masakari("GET", "/segments", null).path("segments")) {
            for (JsonNode h : masakari("GET", "/segments/" + seg.path("uuid").asText() + "/hosts", null).path("hosts")) {
                if (name.equals(h.path("name").asText())) {
                    return h;
                }
            }
        }
        throw new AssertionError("no Masakari segment host " + name);
    }

    /** Sets Masakari's {@code on_maintenance} of segment host {@code name} (a test's starting point). */
    public void setMaintenance(String name, boolean on) {
        for (JsonNode seg : masakari("GET", "/segments", null).path("segments")) {
            String path = "/segments/" + seg.path("uuid").asText() + "/hosts";
            for (JsonNode h : masakari("GET", path, null).path("hosts")) {
                if (name.equals(h.path("name").asText())) {
                    masakari("PUT", path + "/" + h.path("uuid").asText(), "{\"host\":{\"on_maintenance\":" + on + "}}");
                    return;
                }
            }
        }
        throw new AssertionError("no Masakari segment host " + name);
    }

    /**
     * Sets {@code user}'s password to what it is: Keystone revokes every token the user holds (and the
     * bed's services cache none), so the user's next call to Nova is answered 401.
     */
    public void revokeTokensOf(String user) {
        String id = keystone("GET", "/users?name=" + enc(user), null).path("users").get(0).path("id").asText();
        keystone("PATCH", "/users/" + id, "{\"user\":{\"password\":\"" + bed.passwordOf(user) + "\"}}");
    }

    /** The request log of a bed API ({@code keystone}, {@code nova-api}, {@code masakari-api}, ...). */
    public List<Request> requests(String api, Predicate<Request> filter) {
        Path log = Path.of(bed.get("HW_LOG_DIR"), api + ".log");
        List<Request> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                int at = line.indexOf("hwreq ");
                if (at < 0) {
                    continue;
                }
                String[] f = line.substring(at).split(" ", 6);
                if (f.length < 6) {
                    continue;
                }
                String agent = f[5].replaceAll("^\"|\"$", "");
                Request r = new Request(Instant.ofEpochMilli(Long.parseLong(f[1])), f[2], f[3],
                        Integer.parseInt(f[4]), agent);
                if (filter.test(r)) {
                    out.add(r);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("cannot read " + log + ": " + e, e);
        }
        return out;
    }

    /** {@code openstack ARGS...} as the operator; its output (for the record of what an operator sees). */
    public String cli(String... args) {
        List<String> argv = new ArrayList<>(List.of("openstack"));
        argv.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().putAll(bed.cliEnvironment(OPERATOR));
            pb.environment().put("PATH", "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(openstack " + String.join(" ", args) + " timed out)";
            }
            return out;
        } catch (IOException e) {
            return "(cannot run openstack: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private JsonNode nova(String method, String path) {
        return call(method, bed.get("HW_NOVA_URL") + path, null, Map.of("OpenStack-API-Version", "compute 2.53"));
    }

    private JsonNode masakari(String method, String path, String body) {
        return call(method, bed.get("HW_MASAKARI_URL") + "/" + bed.get("HW_PROJECT_ID") + path, body, Map.of());
    }

    private JsonNode keystone(String method, String path, String body) {
        return call(method, bed.authUrl() + path, body, Map.of());
    }

    private synchronized String token() {
        if (token == null) {
            String body = """
                    {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":\
                    "Default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}"""
                    .formatted(OPERATOR, bed.passwordOf(OPERATOR), bed.project());
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(bed.authUrl() + "/auth/tokens"))
                    .header("Content-Type", "application/json").timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            if (r.statusCode() != 201) {
                throw new AssertionError("Keystone refused " + OPERATOR + ": " + r.statusCode() + " " + r.body());
            }
            token = r.headers().firstValue("X-Subject-Token").orElseThrow();
        }
        return token;
    }

    private JsonNode call(String method, String url, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).header("X-Auth-Token", token())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        HttpResponse<String> r = send(b.build());
        if (r.statusCode() >= 300) {
            throw new AssertionError(method + " " + url + " answered " + r.statusCode() + ": " + r.body());
        }
        try {
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " answered no JSON: " + r.body(), e);
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
