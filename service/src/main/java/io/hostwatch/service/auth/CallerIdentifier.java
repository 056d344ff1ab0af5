package io.hostwatch.service.auth;

import io.dropwizard.auth.AuthenticationException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** Finds out who sent a request: from its Keystone token, its client certificate, or nobody at all. */
public interface CallerIdentifier {
    /**
     * The caller, or empty when the request carries no valid credentials.
     *
     * @throws AuthenticationException when the credentials cannot be checked now (Keystone unreachable)
     */
    Optional<Caller> identify(HttpServletRequest request) throws AuthenticationException;

    /** The {@code WWW-Authenticate} header of a 401, or null for none. */
    String challenge();

    /** {@code auth.type: none}: everyone is {@link Caller#anonymous()}. */
    static CallerIdentifier none() {
        return new CallerIdentifier() {
            @Override
            public Optional<Caller> identify(HttpServletRequest request) {
                return Optional.of(Caller.anonymous());
            }

            @Override
            public String challenge() {
                return null;
            }
        };
    }

    /** {@code auth.type: keystone}: the {@code X-Auth-Token} header. */
    static CallerIdentifier keystone(KeystoneTokenAuthenticator tokens, String keystoneUri) {
        String challenge = "Keystone uri=\"" + keystoneUri.replace("\"", "") + "\"";
        return new CallerIdentifier() {
            @Override
            public Optional<Caller> identify(HttpServletRequest request) throws AuthenticationException {
                String token = request.getHeader("X-Auth-Token");
                return token == null ? Optional.empty() : tokens.authenticate(token.strip());
            }

            @Override
            public String challenge() {
                return challenge;
            }
        };
    }

    /** {@code auth.type: mtls}: the subject of the verified client certificate. */
    static CallerIdentifier mtls(SubjectRoles subjects) {
        return new CallerIdentifier() {
            @Override
            public Optional<Caller> identify(HttpServletRequest request) {
                Object attr = request.getAttribute("jakarta.servlet.request.X509Certificate");
                if (!(attr instanceof X509Certificate[] chain) || chain.length == 0) {
                    return Optional.empty();
                }
                var subject = chain[0].getSubjectX500Principal();
                String name = subject.getName();
                return Optional.of(new Caller(Caller.MTLS, name, null, null, null,
                        subjects.permissions(subject).orElse(java.util.Set.of())));
            }

            @Override
            public String challenge() {
                return null;
            }
        };
    }
}
