package io.hostwatch.service.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.auth.AuthenticationException;
import io.dropwizard.auth.Authenticator;
import io.hostwatch.schema.Json;
import io.hostwatch.service.nova.BoundedBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a caller's Keystone token the way keystonemiddleware's {@code auth_token} does:
 * {@code GET /v3/auth/tokens} with the caller's token in {@code X-Subject-Token} and hostwatch's
 * own token in {@code X-Auth-Token}. A valid token is cached ({@link TokenCache}); Keystone's 404
 * (unknown, expired or revoked token) means invalid; a 401 means hostwatch's own token went stale:
 * it authenticates again once. Anything else (Keystone unreachable, 403 for the service user, 5xx)
 * is an {@link AuthenticationException}: the request gets 503, never access.
 */
public final class KeystoneTokenAuthenticator implements Authenticator<String, Caller> {
    /** Longest token accepted (Fernet tokens are ~200 bytes; PKI tokens are gone since Ocata). */
    public static final int MAX_TOKEN_LENGTH = 8192;
    /** Largest validation answer read (a token with its catalog is a few tens of KiB). */
    static final int MAX_BODY = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(KeystoneTokenAuthenticator.class);

    private final ServiceToken serviceToken;
    private final URI tokensUri;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final KeystoneRoles roles;
    private final TokenCache cache;

    public KeystoneTokenAuthenticator(ServiceToken serviceToken, URI tokensUri, HttpClient http,
                                      Duration requestTimeout, KeystoneRoles roles, TokenCache cache) {
        this.serviceToken = serviceToken;
        this.tokensUri = tokensUri;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.roles = roles;
        this.cache = cache;
    }

    @Override
    public Optional<Caller> authenticate(String token) throws AuthenticationException {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH
                || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return Optional.empty();
        }
        Optional<Caller> cached = cache.get(token);
        if (cached.isPresent()) {
            return cached;
        }
        for (int attempt = 1; ; attempt++) {
            String own;
            try {
                own = serviceToken.get();
            } catch (RuntimeException e) {
                throw new AuthenticationException("hostwatch cannot get its own Keystone token: " + e.getMessage());
            }
            HttpResponse<String> response = validate(own, token);
            int status = response.statusCode();
            if (status == 200) {
                return Optional.of(accept(token, response.body()));
            }
            if (status == 404) {
                return Optional.empty();
            }
            if (status == 401 && attempt == 1) {
                serviceToken.invalidate(own);
                continue;
            }
            if (status == 401 || status == 403) {
                throw new AuthenticationException("Keystone refused hostwatch's own token for token validation ("
                        + status + "): check keystone.* and that the service user may validate tokens");
            }
            throw new AuthenticationException("Keystone answered " + status + " to token validation");
        }
    }

    private HttpResponse<String> validate(String own, String token) throws AuthenticationException {
        HttpRequest request = HttpRequest.newBuilder(tokensUri)
                .timeout(requestTimeout)
                .header("X-Auth-Token", own)
                .header("X-Subject-Token", token)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            return http.send(request, BoundedBody.handler(MAX_BODY));
        } catch (IOException e) {
            throw new AuthenticationException("cannot validate the token with Keystone: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuthenticationException("interrupted while validating a token");
        }
    }

    private Caller accept(String token, String body) throws AuthenticationException {
        JsonNode t;
        try {
            t = Json.mapper().readTree(body).path("token");
        } catch (IOException | RuntimeException e) {
            throw new AuthenticationException("Keystone's token validation answer is not JSON");
        }
        Instant expires = null;
        if (t.hasNonNull("expires_at")) {
            try {
                expires = Instant.parse(t.get("expires_at").asText());
            } catch (DateTimeParseException e) {
                LOG.warn("Keystone's expires_at is not an ISO-8601 instant; token cached for auth.tokenCacheTime");
            }
        }
        List<String> names = new ArrayList<>();
        for (JsonNode r : t.path("roles")) {
            if (r.hasNonNull("name")) {
                names.add(r.get("name").asText());
            }
        }
        JsonNode user = t.path("user");
        JsonNode project = t.path("project");
        Caller caller = new Caller(Caller.KEYSTONE, text(user, "name"), text(user, "id"), text(project, "name"),
                text(project, "id"), roles.permissions(names));
        cache.put(token, caller, expires);
        return caller;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
}
