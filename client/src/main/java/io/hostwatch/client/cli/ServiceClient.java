package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Printable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * The admin verbs' client of the REST API ({@code java.net.http}, no Jetty). Every failure becomes
 * a {@link CliException} with its exit status: unreachable or timed out 3, 404 and 409 1, 400 2,
 * 401 and 403 4. Credentials ({@link OsOptions}) become an {@code X-Auth-Token} header.
 */
final class ServiceClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Generous: with Keystone authentication the service validates a new token with Keystone first. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The most of one text from the service that {@link #oneLine} shows. */
    static final int ONE_LINE = 300;

    private final String base;
    private final HttpClient http;
    private final Function<HttpClient, String> credentials;
    private String token;
    private boolean tokenFetched;

    ServiceClient(String url) {
        this(url, null, http -> null);
    }

    /**
     * @param ssl trust for an https URL (and Keystone), or null for the JDK's CAs
     * @param credentials gives the token to send (fetched once, on the first request), or null for none
     */
    ServiceClient(String url, SSLContext ssl, Function<HttpClient, String> credentials) {
        String u = url == null ? "" : url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        try {
            URI uri = new URI(u);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(u, "not an http:// or https:// URL");
            }
        } catch (URISyntaxException e) {
            throw new CliException(ExitCodes.USAGE, "--url '" + url + "' is not an http:// or https:// URL");
        }
        this.base = u;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        this.http = b.build();
        this.credentials = credentials;
    }

    String url() {
        return base;
    }

    /** GET {@code path}; the response body. */
    String get(String path) {
        return send(request(path).GET(), path);
    }

    /** PUT {@code json} to {@code path}; the response body. */
    String put(String path, Object json) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot encode the request: " + e.getMessage(), e);
        }
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), path);
    }

    /** POST with no body to {@code path}; the response body. */
    String post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()), path);
    }

    /** DELETE {@code path}; the response body (empty for 204). */
    String delete(String path) {
        return send(request(path).DELETE(), path);
    }

    /** {@code body} parsed as JSON. */
    static JsonNode tree(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new CliException(ExitCodes.NOT_FOUND, "the service answered something that is not JSON: "
                    + oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** {@code body} as a record of {@code type} (unknown fields ignored). */
    static <T> T read(String body, Class<T> type) {
        try {
            return Json.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new CliException(ExitCodes.NOT_FOUND, "cannot read the service's answer as "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        String t = token();
        if (t != null) {
            b.header("X-Auth-Token", t);
        }
        return b;
    }

    private synchronized String token() {
        if (!tokenFetched) {
            token = credentials.apply(http);
            tokenFetched = true;
        }
        return token;
    }

    private String send(HttpRequest.Builder request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "service at " + base + " did not answer within "
                    + (e instanceof java.net.http.HttpConnectTimeoutException ? CONNECT_TIMEOUT : REQUEST_TIMEOUT)
                    .toSeconds() + " s", e);
        } catch (IOException e) {
            if (certificateRefused(e)) {
                throw new CliException(ExitCodes.NOT_ALLOWED, "not allowed: the service at " + base + " refused the"
                        + " TLS connection for want of a client certificate it trusts (" + why(e) + "); give one with"
                        + " --os-cert and --os-key (OS_CERT, OS_KEY)", e);
            }
            throw new CliException(ExitCodes.UNREACHABLE, "service not reachable at " + base + " ("
                    + why(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNREACHABLE, "interrupted while waiting for " + base, e);
        }
        int status = response.statusCode();
        if (status < 300) {
            return response.body();
        }
        String message = errorMessage(response.body(), status);
        switch (status) {
            case 400:
                throw new CliException(ExitCodes.USAGE, message);
            case 401:
                throw new CliException(ExitCodes.NOT_ALLOWED, "not allowed: " + message + (token() == null
                        ? " (give credentials: OS_* variables or --os-* options)" : ""));
            case 403:
                throw new CliException(ExitCodes.NOT_ALLOWED, "not allowed: " + message);
            case 502:
            case 503:
            case 504:
                throw new CliException(ExitCodes.UNREACHABLE, "service at " + base + " is unavailable: " + message,
                        status, apiMessage(response.body()));
            default:
                throw new CliException(ExitCodes.NOT_FOUND, status == 404 || status == 409 ? message
                        : "service answered HTTP " + status + " to " + path + ": " + message);
        }
    }

    /** A TLS alert saying the server wanted a (trusted) client certificate. */
    private static boolean certificateRefused(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof javax.net.ssl.SSLException && m != null && m.contains("Received fatal alert")
                    && (m.contains("certificate_required")
                    || m.contains("bad_certificate") || m.contains("unknown_ca")
                    || m.contains("certificate_unknown"))) {
                return true;
            }
        }
        return false;
    }

    private static String why(IOException e) {
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                : e.getClass().getSimpleName();
    }

    /** The {@code message} of the API's JSON error, else the body's first line, else the status. */
    private static String errorMessage(String body, int status) {
        String api = apiMessage(body);
        if (api != null) {
            return api;
        }
        if (body != null && !body.isBlank()) {
            return oneLine(body.strip().lines().findFirst().orElse(""));
        }
        return "HTTP " + status;
    }

    /** The {@code message} of the API's JSON error ({@code {"code":..,"message":..}}), one line; else null. */
    private static String apiMessage(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode error = Json.mapper().readTree(body);
            if (error != null && error.isObject() && error.hasNonNull("message")) {
                return oneLine(error.get("message").asText());
            }
        } catch (IOException notJson) {
            // not the API's error
        }
        return null;
    }

    /**
     * Text from the service (much of it from ZooKeeper records) made safe for one terminal line:
     * control characters are shown escaped (a newline as backslash-n, ESC as backslash-u001b), never sent
     * to the terminal ({@link Printable#escape(String)}); at most {@value #ONE_LINE} characters and a
     * mark where it was cut.
     */
    static String oneLine(String text) {
        return Printable.escape(text.strip(), ONE_LINE);
    }
}
