package io.hostwatch.service.auth;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Environment;
import io.hostwatch.service.nova.KeystoneConfiguration;
import io.hostwatch.service.nova.KeystoneSession;
import io.hostwatch.service.nova.OpenStackTls;
import jakarta.servlet.DispatcherType;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and registers the REST and admin ports' protection from {@code auth.*},
 * {@code security.allowInsecure} and {@code keystone.*}: where they listen ({@link ListenPolicy}), who the
 * caller is ({@link CallerIdentifier}), the {@link CallerFilter} on every REST-port resource (and
 * on the admin port unless {@code auth.type} is none), {@code @RolesAllowed} through Jersey's
 * {@link RolesAllowedDynamicFeature}, and {@code /pprof} switched off.
 */
public final class RestSecurity {
    private static final Logger LOG = LoggerFactory.getLogger(RestSecurity.class);

    /** What {@code GET /v1/detector} shows under {@code security}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Status(String auth, boolean allowInsecure, List<String> rest, List<String> admin,
                         boolean adminProtected, List<String> warnings) {
    }

    private final Status status;

    private RestSecurity(Status status) {
        this.status = status;
    }

    public Status status() {
        return status;
    }

    /**
     * Registers everything with {@code environment}; call from {@code Application.run}, before the server is built.
     *
     * @throws IllegalStateException when the configuration would expose a port unprotected, or
     *                               {@code auth.type: keystone} lacks complete {@code keystone.*} settings
     */
    public static RestSecurity register(ServerFactory server, AuthConfiguration auth, boolean allowInsecure,
                                        KeystoneConfiguration keystone, Duration connectTimeout,
                                        Duration requestTimeout, Environment environment, Clock clock) {
        ListenPolicy.Outcome listen = ListenPolicy.apply(server, auth, allowInsecure);
        CallerIdentifier identifier = switch (auth.type) {
            case AuthConfiguration.KEYSTONE -> keystone(auth, keystone, connectTimeout, requestTimeout, environment,
                    clock);
            case AuthConfiguration.MTLS -> CallerIdentifier.mtls(SubjectRoles.of(auth.mtls.readers,
                    auth.mtls.operators));
            default -> CallerIdentifier.none();
        };
        CallerAuthorizer authorizer = new CallerAuthorizer();
        environment.servlets().addFilter("hostwatch-auth", new CallerFilter(identifier, authorizer,
                AccessRules.restPort())).addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        // With authentication on, the admin port is protected wherever it listens (on 127.0.0.1 any local
        // user could otherwise run its tasks): tasks need operator, the rest reader, but for the anonymous paths.
        boolean adminProtected = !auth.isNone();
        if (adminProtected) {
            environment.admin().addFilter("hostwatch-auth", new CallerFilter(identifier, authorizer,
                    AccessRules.adminPort(auth.adminAnonymousPaths)))
                    .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        }
        // /pprof runs a CPU profiler on request: no use in production, a denial of service when exposed.
        environment.getAdminContext().setInitParameter("cpu-profile-enabled", "false");
        for (String w : listen.warnings()) {
            LOG.warn("INSECURE: {}", w);
        }
        if (auth.isNone()) {
            LOG.info("REST API unprotected (auth.type none): listening on {}, admin on {}", listen.rest(),
                    listen.admin());
        } else {
            LOG.info("REST API protected by {}: listening on {}, admin on {}{}", auth.type, listen.rest(),
                    listen.admin(), adminProtected ? " (protected)" : "");
        }
        return new RestSecurity(new Status(auth.type, allowInsecure, listen.rest(), listen.admin(),
                adminProtected, listen.warnings()));
    }

    private static CallerIdentifier keystone(AuthConfiguration auth, KeystoneConfiguration keystone,
                                             Duration connectTimeout, Duration requestTimeout,
                                             Environment environment, Clock clock) {
        List<String> problems = keystone.problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("auth.type keystone needs complete keystone.* settings: "
                    + String.join("; ", problems));
        }
        HttpClient http = OpenStackTls.client(keystone.caFile, connectTimeout);
        KeystoneSession session = new KeystoneSession(keystone, http, requestTimeout, clock, environment.metrics());
        ServiceToken own = new ServiceToken() {
            @Override
            public String get() {
                return session.tokenValue();
            }

            @Override
            public void invalidate(String stale) {
                session.invalidateValue(stale);
            }
        };
        TokenCache cache = new TokenCache(auth.tokenCacheTime.toJavaDuration(), auth.tokenCacheSize, clock);
        KeystoneTokenAuthenticator tokens = new KeystoneTokenAuthenticator(own, session.tokensUri(), http,
                requestTimeout, new KeystoneRoles(auth.readerRoles, auth.operatorRoles), cache);
        String uri = auth.wwwAuthenticateUri == null || auth.wwwAuthenticateUri.isBlank() ? keystone.authUrl
                : auth.wwwAuthenticateUri;
        return CallerIdentifier.keystone(tokens, uri);
    }

}
