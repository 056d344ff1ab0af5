package io.hostwatch.client.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A canned REST API on a loopback port: answers {@code "METHOD /path?query"} with a status and a
 * body, 404 with the API's JSON error for anything else, and records every request.
 */
final class StubService implements AutoCloseable {
    /** One recorded request. */
    record Request(String method, String uri, String body, String token) {
    }

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> headers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    StubService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String uri = exchange.getRequestURI().toString();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), uri, body,
                    exchange.getRequestHeaders().getFirst("X-Auth-Token")));
            Map<String, String> extra = headers.get(exchange.getRequestMethod() + " " + uri);
            if (extra != null) {
                extra.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            }
            Answer a = answers.getOrDefault(exchange.getRequestMethod() + " " + uri,
                    new Answer(404, "{\"code\":404,\"message\":\"HTTP 404 Not Found\"}"));
            byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    StubService answer(String methodAndUri, int status, String body) {
        answers.put(methodAndUri, new Answer(status, body));
        return this;
    }

    StubService header(String methodAndUri, String name, String value) {
        headers.computeIfAbsent(methodAndUri, k -> new ConcurrentHashMap<>()).put(name, value);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
