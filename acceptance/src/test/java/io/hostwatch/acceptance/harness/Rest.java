package io.hostwatch.acceptance.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A minimal JSON client of the REST API. */
public final class Rest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Status and parsed body of one call. */
    public record Reply(int status, JsonNode body, String raw) {
    }

    private Rest() {
    }

    public static Reply get(String url) {
        return call(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build());
    }

    public static Reply call(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            try {
                body = r.body().isEmpty() ? null : MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                body = null;
            }
            return new Reply(r.statusCode(), body, r.body());
        } catch (IOException e) {
            return new Reply(-1, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null, e.toString());
        }
    }

    /**
     * The JSON body of a GET, or a {@link MissingNode} when there is none (no answer within the
     * request timeout, an empty or non-JSON body): inside an await, a slow answer is then a condition
     * not met yet, polled again, rather than a NullPointerException that ends the wait.
     */
    public static JsonNode json(String url) {
        JsonNode body = get(url).body();
        return body == null ? MissingNode.getInstance() : body;
    }

    /** The member's state, or null when the service does not answer 200. */
    public static String state(String baseUrl, String group, String host) {
        Reply r = get(baseUrl + "/v1/groups/" + group + "/members/" + host);
        return r.status() == 200 && r.body() != null ? r.body().path("state").asText(null) : null;
    }
}
