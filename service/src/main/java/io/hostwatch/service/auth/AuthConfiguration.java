package io.hostwatch.service.auth;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code auth.*}: who may call the REST port (and the admin port when it is exposed).
 *
 * <pre>
 * auth:
 *   type: keystone            # keystone | mtls | none
 *   readerRoles: [reader, member, admin]
 *   operatorRoles: [admin]
 *   tokenCacheTime: 5m        # a valid token is trusted this long at most (and never past its expiry)
 *   mtls:
 *     readers: ["CN=monitoring,O=Example"]
 *     operators: ["CN=oncall,O=Example"]
 * </pre>
 */
public class AuthConfiguration {
    public static final String KEYSTONE = "keystone";
    public static final String MTLS = "mtls";
    public static final String NONE = "none";

    /** {@code keystone}, {@code mtls} or {@code none} (only on loopback, or with {@code security.allowInsecure}). */
    @NotNull @Pattern(regexp = KEYSTONE + "|" + MTLS + "|" + NONE) @JsonProperty
    public String type = NONE;
    /** Keystone roles that may read verdicts, history and detector status. */
    @NotNull @JsonProperty
    public List<String> readerRoles = new ArrayList<>(List.of("reader", "member", "admin"));
    /** Keystone roles that may change state: maintenance, brake release, enrollment, decommissioning, tasks. */
    @NotNull @JsonProperty
    public List<String> operatorRoles = new ArrayList<>(List.of("admin"));
    /** How long a validated token is trusted before Keystone is asked again (a revocation shows within it). */
    @NotNull @MinDuration(value = 0, unit = TimeUnit.SECONDS) @MaxDuration(value = 5, unit = TimeUnit.MINUTES)
    @JsonProperty
    public Duration tokenCacheTime = Duration.minutes(5);
    /** Validated tokens kept at most (each is a few hundred bytes). */
    @JsonProperty
    public int tokenCacheSize = 10_000;
    /** The {@code uri} of {@code WWW-Authenticate: Keystone uri="..."}; default {@code keystone.authUrl}. */
    @JsonProperty
    public String wwwAuthenticateUri;
    /** Admin-port paths that need no credentials when the admin port is protected. */
    @NotNull @JsonProperty
    public List<String> adminAnonymousPaths = new ArrayList<>(List.of("/ping", "/healthcheck", "/metrics"));
    @Valid @NotNull @JsonProperty
    public Mtls mtls = new Mtls();

    /** {@code auth.mtls.*}: client certificate subjects (RFC 2253, e.g. {@code CN=oncall,O=Example}) → permission. */
    public static class Mtls {
        @NotNull @JsonProperty
        public List<String> readers = new ArrayList<>();
        @NotNull @JsonProperty
        public List<String> operators = new ArrayList<>();
    }

    @JsonIgnore
    @ValidationMethod(message = "auth.mtls.readers and auth.mtls.operators must be X.500 names like CN=oncall,O=Example")
    public boolean isMtlsSubjectsValid() {
        try {
            SubjectRoles.of(mtls.readers, mtls.operators);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @JsonIgnore
    public boolean isNone() {
        return NONE.equals(type);
    }
}
