package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.auth.AuthenticationException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The auth_token-style validation against {@link KeystoneStub} on 127.0.0.1. */
@Timeout(30)
class KeystoneTokenAuthenticatorTest {
    private KeystoneStub keystone;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        keystone = new KeystoneStub();
    }

    @AfterEach
    void stop() {
        keystone.close();
    }

    /** The service's own token, fetched from the stub like KeystoneSession does. */
    private ServiceToken own() {
        AtomicReference<String> current = new AtomicReference<>();
        return new ServiceToken() {
            @Override
            public synchronized String get() {
                if (current.get() == null) {
                    try {
                        var r = http.send(java.net.http.HttpRequest.newBuilder(URI.create(keystone.authUrl()
                                + "/auth/tokens")).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
                                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                        current.set(r.headers().firstValue("X-Subject-Token").orElseThrow());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return current.get();
            }

            @Override
            public void invalidate(String stale) {
                current.compareAndSet(stale, null);
            }
        };
    }

    private KeystoneTokenAuthenticator authenticator(Duration cacheTime) {
        return new KeystoneTokenAuthenticator(own(), URI.create(keystone.authUrl() + "/auth/tokens"), http,
                Duration.ofSeconds(5), new KeystoneRoles(List.of("reader", "member", "admin"), List.of("admin")),
                new TokenCache(cacheTime, 100, Clock.systemUTC()));
    }

    @Test
    void rolesMapToPermissions() throws Exception {
        KeystoneTokenAuthenticator auth = authenticator(Duration.ofMinutes(5));
        Instant later = Instant.now().plusSeconds(3600);
        Caller reader = auth.authenticate(keystone.issue("hw-reader", "demo", later, "reader")).orElseThrow();
        assertThat(reader.permissions()).containsExactly(Roles.READER);
        assertThat(reader.audit()).isEqualTo("hw-reader@demo");
        Caller member = auth.authenticate(keystone.issue("m", "demo", later, "member")).orElseThrow();
        assertThat(member.may(Roles.READER)).isTrue();
        assertThat(member.may(Roles.OPERATOR)).isFalse();
        Caller admin = auth.authenticate(keystone.issue("hw-operator", "admin", later, "admin", "reader"))
                .orElseThrow();
        assertThat(admin.permissions()).containsExactlyInAnyOrder(Roles.READER, Roles.OPERATOR);
        Caller none = auth.authenticate(keystone.issue("hw-norole", "demo", later, "load-balancer_observer"))
                .orElseThrow();
        assertThat(none.permissions()).isEmpty();
    }

    @Test
    void unknownRevokedExpiredOrMalformedTokensAreRefused() throws Exception {
        KeystoneTokenAuthenticator auth = authenticator(Duration.ZERO);
        assertThat(auth.authenticate("gAAAAnosuchtoken")).isEmpty();
        String t = keystone.issue("u", "p", Instant.now().plusSeconds(3600), "reader");
        assertThat(auth.authenticate(t)).isPresent();
        keystone.revoke(t);
        assertThat(auth.authenticate(t)).as("no cache: revocation seen at once").isEmpty();
        assertThat(auth.authenticate(keystone.issue("u", "p", Instant.now().minusSeconds(1), "reader"))).isEmpty();
        int before = keystone.validations.get();
        assertThat(auth.authenticate("bad token\n")).isEmpty();
        assertThat(auth.authenticate("x".repeat(KeystoneTokenAuthenticator.MAX_TOKEN_LENGTH + 1))).isEmpty();
        assertThat(auth.authenticate("")).isEmpty();
        assertThat(keystone.validations.get()).as("malformed tokens never reach Keystone").isEqualTo(before);
    }

    @Test
    void aValidTokenIsCachedSoARevocationShowsOnlyAfterTheCacheTime() throws Exception {
        KeystoneTokenAuthenticator auth = authenticator(Duration.ofMinutes(5));
        String t = keystone.issue("u", "p", Instant.now().plusSeconds(3600), "admin");
        auth.authenticate(t);
        auth.authenticate(t);
        assertThat(keystone.validations.get()).isEqualTo(1);
        keystone.revoke(t);
        assertThat(auth.authenticate(t)).as("still cached").isPresent();
    }

    @Test
    void aStaleServiceTokenIsRenewedOnce() throws Exception {
        KeystoneTokenAuthenticator auth = authenticator(Duration.ZERO);
        String t = keystone.issue("u", "p", Instant.now().plusSeconds(3600), "reader");
        assertThat(auth.authenticate(t)).isPresent();
        keystone.expireServiceTokens();
        assertThat(auth.authenticate(t)).isPresent();
        assertThat(keystone.serviceLogins.get()).isEqualTo(2);
    }

    @Test
    void keystoneUnreachableIsAnErrorNotAnAnswer() {
        KeystoneTokenAuthenticator auth = new KeystoneTokenAuthenticator(own(),
                URI.create("http://127.0.0.1:1/v3/auth/tokens"), http, Duration.ofSeconds(2),
                new KeystoneRoles(List.of("reader"), List.of("admin")),
                new TokenCache(Duration.ZERO, 10, Clock.systemUTC()));
        assertThatThrownBy(() -> auth.authenticate("gAAAAsomething")).isInstanceOf(AuthenticationException.class);
    }
}
