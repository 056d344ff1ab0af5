package io.hostwatch.service.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Keystone v3 token API on 127.0.0.1 with the shapes of the real one: {@code POST /v3/auth/tokens}
 * issues the service token (201, {@code X-Subject-Token}); {@code GET /v3/auth/tokens} validates
 * {@code X-Subject-Token} when {@code X-Auth-Token} is a live service token (200 with the token body,
 * 404 for an unknown or revoked token, 401 for a stale service token).
 */
final class KeystoneStub implements AutoCloseable {
    record Token(String user, String project, List<String> roles, Instant expiresAt) {
    }

    final AtomicInteger validations = new AtomicInteger();
    final AtomicInteger serviceLogins = new AtomicInteger();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Boolean> serviceTokens = new ConcurrentHashMap<>();
    private final HttpServer server;

    KeystoneStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/v3/auth/tokens", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    String authUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v3";
    }

    String issue(String user, String project, Instant expiresAt, String... roles) {
        String t = "gAAAA" + UUID.randomUUID().toString().replace("-", "");
        tokens.put(t, new Token(user, project, List.of(roles), expiresAt));
        return t;
    }

    void revoke(String token) {
        tokens.remove(token);
    }

    /** Makes every service token issued so far stale (Keystone answers 401 to them). */
    void expireServiceTokens() {
        serviceTokens.replaceAll((k, v) -> false);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if ("POST".equals(ex.getRequestMethod())) {
                ex.getRequestBody().readAllBytes();
                String t = "svc" + UUID.randomUUID();
                serviceTokens.put(t, true);
                serviceLogins.incrementAndGet();
                ex.getResponseHeaders().add("X-Subject-Token", t);
                send(ex, 201, "{\"token\":{\"expires_at\":\"" + Instant.now().plusSeconds(3600)
                        + "\",\"catalog\":[]}}");
                return;
            }
            validations.incrementAndGet();
            String own = ex.getRequestHeaders().getFirst("X-Auth-Token");
            if (own == null || !serviceTokens.getOrDefault(own, false)) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Keystone uri=\"" + authUrl() + "\"");
                send(ex, 401, "{\"error\":{\"code\":401,\"title\":\"Unauthorized\",\"message\":\"The request you"
                        + " have made requires authentication.\"}}");
                return;
            }
            Token t = tokens.get(String.valueOf(ex.getRequestHeaders().getFirst("X-Subject-Token")));
            if (t == null || t.expiresAt().isBefore(Instant.now())) {
                send(ex, 404, "{\"error\":{\"code\":404,\"title\":\"Not Found\",\"message\":\"Could not find"
                        + " token.\"}}");
                return;
            }
            StringBuilder roles = new StringBuilder();
            for (String r : t.roles()) {
                roles.append(roles.length() == 0 ? "" : ",").append("{\"id\":\"").append(r).append("-id\",\"name\":\"")
                        .append(r).append("\"}");
            }
            send(ex, 200, "{\"token\":{\"methods\":[\"password\"],\"expires_at\":\"" + t.expiresAt()
                    + "\",\"user\":{\"id\":\"" + t.user() + "-id\",\"name\":\"" + t.user()
                    + "\",\"domain\":{\"id\":\"default\",\"name\":\"Default\"}},\"project\":{\"id\":\"" + t.project()
                    + "-id\",\"name\":\"" + t.project() + "\",\"domain\":{\"id\":\"default\",\"name\":\"Default\"}},"
                    + "\"roles\":[" + roles + "]}}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
