package io.hostwatch.service.nova;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A Keystone v3 token and its service catalog, shared by the Nova and Masakari clients. The token
 * is cached until fewer than {@link #REFRESH_BEFORE} remain before its {@code expires_at}; a
 * service's 401 {@link #invalidate invalidates} it so the next call authenticates again.
 *
 * <p>Thread-safe. Neither the token nor the credentials are ever logged or put in a message.
 */
public final class KeystoneSession {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeystoneSession.class);
    /** Authenticate again when fewer than this remain before the token expires. */
    public static final Duration REFRESH_BEFORE = Duration.ofSeconds(120);

    /** A token; its {@code toString} never shows the value. */
    public static final class Token {
        private final String value;
        private final Instant expiresAt;
        private final JsonNode catalog;

        Token(String value, Instant expiresAt, JsonNode catalog) {
            this.value = value;
            this.expiresAt = expiresAt;
            this.catalog = catalog;
        }

        String value() {
            return value;
        }

        /** When Keystone says it expires, or null when it did not say. */
        public Instant expiresAt() {
            return expiresAt;
        }

        JsonNode catalog() {
            return catalog;
        }

        @Override
        public String toString() {
            return "Token{expiresAt=" + expiresAt + "}";
        }
    }

    private final KeystoneConfiguration config;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Clock clock;
    private final Counter authentications;
    private Token token;
    private final java.util.Set<String> warnedRegions = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public KeystoneSession(KeystoneConfiguration config, HttpClient http, Duration requestTimeout, Clock clock,
                           MetricRegistry metrics) {
        this.config = config;
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.authentications = metrics.counter(MetricRegistry.name("hostwatch", "keystone", "authentications"));
    }

    /** The cached token, or a new one when there is none or it is about to expire. */
    public synchronized Token token() {
        Token t = token;
        if (t == null || t.expiresAt != null && !clock.instant().plus(REFRESH_BEFORE).isBefore(t.expiresAt)) {
            token = t = authenticate();
        }
        return t;
    }

    /** The current token's value, for asking Keystone to validate a caller's token; never log it. */
    public String tokenValue() {
        return token().value();
    }

    /** Drops the token whose value is {@code stale} (Keystone answered 401 to it), unless a newer one replaced it. */
    public synchronized void invalidateValue(String stale) {
        if (token != null && token.value.equals(stale)) {
            token = null;
        }
    }

    /** Drops {@code stale} (a service answered 401 to it), unless a newer token replaced it already. */
    public synchronized void invalidate(Token stale) {
        if (token == stale) {
            token = null;
        }
    }

    /**
     * The URL of the catalog endpoint of {@code type} with the configured interface and region.
     * Region ids are case-sensitive in Keystone, and deployments differ ({@code RegionOne} in
     * upstream documentation, {@code regionOne} in Debian's packages): when no endpoint's region
     * matches exactly, a region that differs only in case is used if it is the only one, with a
     * warning. The error names the regions the catalog has.
     */
    public URI endpoint(Token t, String type) {
        JsonNode catalog = t.catalog;
        if (catalog == null || !catalog.isArray()) {
            throw OpenStackException.finalFailure(0, "the Keystone token has no service catalog (is it scoped to"
                    + " a project?)");
        }
        boolean anyRegion = config.region == null || config.region.isBlank();
        java.util.Set<String> regions = new java.util.TreeSet<>();
        java.util.Map<String, String> caseOnly = new java.util.LinkedHashMap<>();
        for (JsonNode service : catalog) {
            if (!type.equals(service.path("type").asText())) {
                continue;
            }
            for (JsonNode e : service.path("endpoints")) {
                if (!config.interfaceName.equals(e.path("interface").asText()) || !e.hasNonNull("url")) {
                    continue;
                }
                String region = e.hasNonNull("region_id") ? e.get("region_id").asText() : e.path("region").asText();
                regions.add(region);
                if (anyRegion || config.region.equals(region)) {
                    return checked(type, e.get("url").asText());
                }
                if (config.region.equalsIgnoreCase(region)) {
                    caseOnly.putIfAbsent(region, e.get("url").asText());
                }
            }
        }
        if (caseOnly.size() == 1) {
            java.util.Map.Entry<String, String> only = caseOnly.entrySet().iterator().next();
            if (warnedRegions.add(type + "/" + only.getKey())) {
                LOG.warn("keystone.region is '{}' but the catalog's '{}' endpoint is in region '{}' (region ids are"
                        + " case-sensitive): using it; set keystone.region: {}", config.region, type, only.getKey(),
                        only.getKey());
            }
            return checked(type, only.getValue());
        }
        throw OpenStackException.finalFailure(0, "no '" + type + "' endpoint with interface " + config.interfaceName
                + (anyRegion ? "" : " in region " + config.region) + " in the Keystone catalog"
                + (regions.isEmpty() ? "" : " (its regions for that interface: " + String.join(", ", regions)
                + "; region ids are case-sensitive)"));
    }

    private URI checked(String type, String url) {
        if (!config.allowInsecureHttp && !OpenStackTls.secureOrLoopback(url)) {
            throw OpenStackException.finalFailure(0, "the catalog's '" + type + "' endpoint " + url
                    + " is not https (set keystone.allowInsecureHttp to allow it)");
        }
        return URI.create(url);
    }

    private Token authenticate() {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(authBody());
        } catch (IOException e) {
            throw OpenStackException.finalFailure(0, "cannot encode the Keystone request");
        }
        HttpRequest request = HttpRequest.newBuilder(tokensUri())
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, BoundedBody.handler(BoundedBody.DEFAULT_MAX));
        } catch (HttpTimeoutException e) {
            throw OpenStackException.transientFailure("Keystone did not answer within "
                    + requestTimeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw OpenStackException.transientFailure("cannot reach Keystone at " + config.authUrl + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpenStackException.transientFailure("interrupted while authenticating", e);
        }
        authentications.inc();
        int status = response.statusCode();
        JsonNode reply = OpenStackHttp.parse(response.body());
        if (status != 201 && status != 200) {
            String message = "Keystone answered " + status + ": " + OpenStackHttp.errorMessage(reply, response.body());
            if (status >= 500 || status == 429) {
                throw OpenStackException.transientFailure(status, message);
            }
            throw OpenStackException.finalFailure(status, message + " (check keystone.* credentials)");
        }
        String value = response.headers().firstValue("X-Subject-Token").orElse(null);
        if (value == null || value.isBlank()) {
            throw OpenStackException.finalFailure(status, "Keystone answered without an X-Subject-Token header");
        }
        JsonNode tok = reply == null ? null : reply.path("token");
        Instant expires = null;
        if (tok != null && tok.hasNonNull("expires_at")) {
            try {
                expires = Instant.parse(tok.get("expires_at").asText());
            } catch (DateTimeParseException e) {
                expires = null;
            }
        }
        return new Token(value, expires, tok == null ? null : tok.get("catalog"));
    }

    /** {@code <authUrl>/v3/auth/tokens}. */
    public URI tokensUri() {
        String base = config.authUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (!base.endsWith("/v3")) {
            base = base + "/v3";
        }
        return URI.create(base + "/auth/tokens");
    }

    private ObjectNode authBody() {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode auth = root.putObject("auth");
        ObjectNode identity = auth.putObject("identity");
        if (KeystoneConfiguration.APPLICATION_CREDENTIAL.equals(config.authType)) {
            identity.putArray("methods").add("application_credential");
            ObjectNode cred = identity.putObject("application_credential");
            cred.put("id", config.applicationCredentialId);
            cred.put("secret", secret(config.applicationCredentialSecret, "keystone.applicationCredentialSecret"));
            return root;
        }
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        user.put("name", config.username);
        user.putObject("domain").put("name", config.userDomainName);
        user.put("password", secret(config.password, "keystone.password"));
        ObjectNode project = auth.putObject("scope").putObject("project");
        project.put("name", config.projectName);
        project.putObject("domain").put("name", config.projectDomainName);
        return root;
    }

    private static String secret(SecretSource source, String key) {
        if (source == null) {
            throw OpenStackException.finalFailure(0, key + " is not configured");
        }
        try {
            return source.read();
        } catch (HostwatchException e) {
            throw OpenStackException.finalFailure(0, key + ": " + e.getMessage());
        }
    }
}
