package io.hostwatch.service.nova;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hostwatch.schema.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A contract stub of Keystone v3, Nova ({@code os-services}, microversion 2.53) and Masakari
 * ({@code notifications}) on 127.0.0.1, built from the shapes in NOVA-CONTRACT.md. It records every
 * call it receives. Knobs make it expire or reject tokens, go down (503), hang, refuse a force-up
 * while "evacuation records remain", and answer 403/406/404/409 the way the real services do.
 *
 * <p>Public (with {@link StubCompute}) for the acceptance module, which gets it from this module's
 * test-jar: {@code NovaPowerLossIT} runs it in the test JVM for a service process on real hosts.
 */
public final class OpenStackStub implements AutoCloseable {
    public static final String USER = "hostwatch";
    public static final String PASSWORD = "s3cret-password";
    public static final String PROJECT = "service";
    static final String APP_CRED_ID = "0f1e2d3c4b5a";
    static final String APP_CRED_SECRET = "app-cred-secret";
    public static final String REGION = "RegionOne";

    /** One call the stub received; {@code status} is set once it answered (0 while it hangs). */
    public static final class Call {
        public final String method;
        public final String path;
        public final String query;
        final String token;
        final String microversion;
        public final String body;
        public final Instant at = Instant.now();
        public volatile int status;

        Call(String method, String path, String query, String token, String microversion, String body) {
            this.method = method;
            this.path = path;
            this.query = query;
            this.token = token;
            this.microversion = microversion;
            this.body = body;
        }

        public JsonNode json() {
            return OpenStackHttp.parse(body);
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " -> " + status
                    + (body == null || body.isEmpty() || path.endsWith("/auth/tokens") ? "" : " " + body);
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "openstack-stub");
        t.setDaemon(true);
        return t;
    });
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokenSeq = new AtomicInteger();
    public final StubCompute compute = new StubCompute();
    final StubMasakari masakari = new StubMasakari();
    private volatile Duration tokenTtl = Duration.ofHours(1);
    private volatile boolean rejectAllTokens;
    private volatile boolean down;
    private volatile CountDownLatch hang;

    private OpenStackStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    public static OpenStackStub start() {
        try {
            return new OpenStackStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String authUrl() {
        return base() + "/identity/v3";
    }

    // ---- knobs -------------------------------------------------------------------------------

    /** Lifetime of the tokens issued from now on; null = no {@code expires_at}. */
    void tokenTtl(Duration ttl) {
        tokenTtl = ttl;
    }

    /** Every token issued so far becomes invalid: the next service call gets a 401. */
    void revokeTokens() {
        tokens.clear();
    }

    /** Nova and Masakari answer 401 to every token (a user without access). */
    void rejectAllTokens(boolean reject) {
        rejectAllTokens = reject;
    }

    /** Nova and Masakari answer 503 (an outage behind the load balancer). */
    void down(boolean isDown) {
        down = isDown;
    }

    /**
     * Nova and Masakari hold every request without answering until {@code hang(false)}; a held
     * request never reaches the service (it is answered 503 when released, to a client long gone).
     */
    void hang(boolean hanging) {
        CountDownLatch current = hang;
        if (hanging && current == null) {
            hang = new CountDownLatch(1);
        } else if (!hanging && current != null) {
            hang = null;
            current.countDown();
        }
    }

    // ---- what it received --------------------------------------------------------------------

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(Predicate<Call> filter) {
        return calls.stream().filter(filter).toList();
    }

    public long authentications() {
        return calls.stream().filter(c -> c.path.endsWith("/auth/tokens")).count();
    }

    /** Answered {@code PUT /os-services/{id}} calls whose body has {@code forced_down} = {@code value}. */
    public List<Call> forcedDownCalls(boolean value) {
        return calls(c -> c.method.equals("PUT") && c.path.contains("/os-services/") && c.json() != null
                && c.json().path("forced_down").isBoolean() && c.json().get("forced_down").asBoolean() == value);
    }

    List<Call> notifications() {
        return calls(c -> c.method.equals("POST") && c.path.endsWith("/notifications"));
    }

    // ---- routing -----------------------------------------------------------------------------

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            URI uri = ex.getRequestURI();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Call call = new Call(ex.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                    ex.getRequestHeaders().getFirst("X-Auth-Token"),
                    ex.getRequestHeaders().getFirst("OpenStack-API-Version"), body);
            calls.add(call);
            Reply reply = route(call);
            call.status = reply.status;
            reply.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] bytes = reply.body == null ? new byte[0] : Json.mapper().writeValueAsBytes(reply.body);
            if (bytes.length > 0) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
            }
            ex.sendResponseHeaders(reply.status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                ex.getResponseBody().write(bytes);
            }
        } catch (IOException | RuntimeException e) {
            // the client gave up (a timeout): nothing to answer
        }
    }

    /** A stub answer. */
    record Reply(int status, JsonNode body, Map<String, String> headers) {
        Reply(int status, JsonNode body) {
            this(status, body, Map.of());
        }
    }

    private Reply route(Call call) {
        if (call.path.equals("/identity/v3/auth/tokens") && call.method.equals("POST")) {
            return authenticate(call);
        }
        boolean toNova = call.path.startsWith("/compute/v2.1/");
        boolean toMasakari = call.path.startsWith("/instance-ha/v1/");
        if (!toNova && !toMasakari) {
            return new Reply(404, error("itemNotFound", 404, "no such endpoint " + call.path));
        }
        if (call.token == null || rejectAllTokens || !valid(call.token)) {
            return new Reply(401, keystoneError(401, "Unauthorized",
                    "The request you have made requires authentication."));
        }
        if (awaitHang() || down) {
            return new Reply(503, error("computeFault", 503, "Service Unavailable"));
        }
        return toNova ? compute.handle(call, call.path.substring("/compute/v2.1".length()))
                : masakari.handle(call, call.path.substring("/instance-ha/v1".length()));
    }

    /** Holds a request while hanging; true when it was held (it then never reaches the service). */
    private boolean awaitHang() {
        CountDownLatch h = hang;
        if (h == null) {
            return false;
        }
        try {
            h.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private boolean valid(String token) {
        Instant expires = tokens.get(token);
        return expires != null && Instant.now().isBefore(expires);
    }

    // ---- Keystone ----------------------------------------------------------------------------

    private Reply authenticate(Call call) {
        JsonNode auth = call.json() == null ? null : call.json().path("auth");
        JsonNode identity = auth == null ? null : auth.path("identity");
        String method = identity == null ? "" : identity.path("methods").path(0).asText();
        boolean ok;
        if (method.equals("password")) {
            JsonNode user = identity.path("password").path("user");
            JsonNode project = auth.path("scope").path("project");
            ok = USER.equals(user.path("name").asText()) && PASSWORD.equals(user.path("password").asText())
                    && "Default".equals(user.path("domain").path("name").asText())
                    && PROJECT.equals(project.path("name").asText())
                    && "Default".equals(project.path("domain").path("name").asText());
        } else if (method.equals("application_credential")) {
            JsonNode cred = identity.path("application_credential");
            ok = APP_CRED_ID.equals(cred.path("id").asText()) && APP_CRED_SECRET.equals(cred.path("secret").asText())
                    && !auth.has("scope");
        } else {
            return new Reply(400, keystoneError(400, "Bad Request", "Expecting to find identity in auth."));
        }
        if (!ok) {
            return new Reply(401, keystoneError(401, "Unauthorized",
                    "The request you have made requires authentication."));
        }
        String token = "gAAAAAB-stub-" + tokenSeq.incrementAndGet();
        Duration ttl = tokenTtl;
        Instant expires = ttl == null ? Instant.now().plus(Duration.ofDays(1)) : Instant.now().plus(ttl);
        tokens.put(token, expires);
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode t = body.putObject("token");
        t.putArray("methods").add(method);
        if (ttl == null) {
            t.putNull("expires_at");
        } else {
            t.put("expires_at", expires.toString());
        }
        ArrayNode catalog = t.putArray("catalog");
        ObjectNode nova = catalog.addObject().put("type", "compute").put("name", "nova");
        endpoint(nova, "public", REGION, "/compute-public/v2.1");
        endpoint(nova, "internal", "RegionTwo", "/compute-region-two/v2.1");
        endpoint(nova, "internal", REGION, "/compute/v2.1");
        ObjectNode ha = catalog.addObject().put("type", "instance-ha").put("name", "masakari");
        endpoint(ha, "internal", REGION, "/instance-ha/v1");
        return new Reply(201, body, Map.of("X-Subject-Token", token));
    }

    private void endpoint(ObjectNode service, String iface, String region, String path) {
        ArrayNode endpoints = service.has("endpoints") ? (ArrayNode) service.get("endpoints")
                : service.putArray("endpoints");
        endpoints.addObject().put("interface", iface).put("region_id", region).put("region", region)
                .put("url", base() + path);
    }

    static JsonNode keystoneError(int code, String title, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("error").put("code", code).put("title", title).put("message", message);
        return body;
    }

    /** Nova's and Masakari's error shape: {@code {"badRequest": {"code": 400, "message": "..."}}}. */
    static JsonNode error(String key, int code, String message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject(key).put("code", code).put("message", message);
        return body;
    }

    @Override
    public void close() {
        hang(false);
        server.stop(0);
        pool.shutdownNow();
    }
}
