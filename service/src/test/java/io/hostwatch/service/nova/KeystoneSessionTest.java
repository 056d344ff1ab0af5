package io.hostwatch.service.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keystone v3 against the contract stub on 127.0.0.1: password and application-credential auth,
 * the token cached until fewer than 120 s remain, catalog selection by type, interface and region,
 * and one re-authentication on a service's 401. The session's clock is moved by hand.
 */
@Timeout(30)
class KeystoneSessionTest {
    @TempDir
    Path secrets;
    private OpenStackStub stub;
    private final MutableClock clock = new MutableClock(Instant.now());

    @BeforeEach
    void setUp() {
        stub = OpenStackStub.start();
        stub.compute.addService("host1");
    }

    @AfterEach
    void tearDown() {
        stub.close();
    }

    @Test
    void passwordAuthIsProjectScopedAndTheTokenIsCached() {
        StubClients c = new StubClients(stub, secrets, clock, Duration.ofSeconds(5));
        c.nova.computeServices("host1");
        c.nova.computeServices("host1");
        assertThat(stub.authentications()).isEqualTo(1);
        OpenStackStub.Call auth = stub.calls().get(0);
        assertThat(auth.status).isEqualTo(201);
        assertThat(auth.json().at("/auth/identity/methods/0").asText()).isEqualTo("password");
        assertThat(auth.json().at("/auth/identity/password/user/domain/name").asText()).isEqualTo("Default");
        assertThat(auth.json().at("/auth/scope/project/name").asText()).isEqualTo(OpenStackStub.PROJECT);
        assertThat(c.count("hostwatch.keystone.authentications")).isEqualTo(1);
    }

    @Test
    void reauthenticatesWhenFewerThan120SecondsRemain() {
        stub.tokenTtl(Duration.ofSeconds(300));
        StubClients c = new StubClients(stub, secrets, clock, Duration.ofSeconds(5));
        c.nova.computeServices("host1");
        clock.advance(Duration.ofSeconds(179));
        c.nova.computeServices("host1");
        assertThat(stub.authentications()).as("121 s left: still cached").isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        c.nova.computeServices("host1");
        assertThat(stub.authentications()).as("119 s left: a new token").isEqualTo(2);
        assertThat(stub.calls(call -> call.path.contains("/os-services")).stream().map(call -> call.status))
                .containsOnly(200);
    }

    @Test
    void aTokenWithoutExpiryIsKeptUntilA401() {
        stub.tokenTtl(null);
        StubClients c = new StubClients(stub, secrets, clock, Duration.ofSeconds(5));
        c.nova.computeServices("host1");
        clock.advance(Duration.ofDays(2));
        c.nova.computeServices("host1");
        assertThat(stub.authentications()).isEqualTo(1);
    }

    @Test
    void a401MeansOneReauthenticationAndOneRetry() {
        StubClients c = new StubClients(stub, secrets, clock, Duration.ofSeconds(5));
        c.nova.computeServices("host1");
        stub.revokeTokens();
        assertThat(c.nova.computeServices("host1")).hasSize(1);
        assertThat(stub.authentications()).isEqualTo(2);
        assertThat(stub.calls(call -> call.path.contains("/os-services")).stream().map(call -> call.status))
                .containsExactly(200, 401, 200);
        assertThat(c.count("hostwatch.openstack.reauthentications")).isEqualTo(1);
    }

    @Test
    void aSecond401IsAConfigurationErrorNotRetried() {
        StubClients c = new StubClients(stub, secrets, clock, Duration.ofSeconds(5));
        stub.rejectAllTokens(true);
        assertThatThrownBy(() -> c.nova.computeServices("host1"))
                .isInstanceOfSatisfying(OpenStackException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.status()).isEqualTo(401);
                })
                .hasMessageContaining("refused a fresh Keystone token");
        assertThat(stub.authentications()).isEqualTo(2);
        assertThat(stub.calls(call -> call.path.contains("/os-services"))).hasSize(2);
    }

    @Test
    void wrongCredentialsAreFinalAndTheSecretIsNeverInTheMessage() {
        KeystoneConfiguration k = StubClients.keystoneConfig(stub, secrets);
        k.password = SecretSource.ofFile(StubClients.writeSecret(secrets, "wrong", "not-the-password"));
        StubClients c = new StubClients(k, clock, Duration.ofSeconds(5));
        assertThatThrownBy(() -> c.nova.computeServices("host1"))
                .isInstanceOfSatisfying(OpenStackException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("Keystone answered 401")
                .hasMessageNotContaining("not-the-password");
        assertThat(stub.calls(call -> call.path.contains("/os-services"))).isEmpty();
    }

    @Test
    void applicationCredentialAuthSendsNoScope() {
        KeystoneConfiguration k = StubClients.keystoneConfig(stub, secrets);
        k.authType = KeystoneConfiguration.APPLICATION_CREDENTIAL;
        k.applicationCredentialId = OpenStackStub.APP_CRED_ID;
        k.applicationCredentialSecret = SecretSource.ofFile(StubClients.writeSecret(secrets, "appcred",
                OpenStackStub.APP_CRED_SECRET));
        StubClients c = new StubClients(k, clock, Duration.ofSeconds(5));
        assertThat(c.nova.computeServices("host1")).hasSize(1);
        OpenStackStub.Call auth = stub.calls().get(0);
        assertThat(auth.json().at("/auth/identity/methods/0").asText()).isEqualTo("application_credential");
        assertThat(auth.json().at("/auth/identity/application_credential/id").asText())
                .isEqualTo(OpenStackStub.APP_CRED_ID);
        assertThat(auth.json().path("auth").has("scope")).isFalse();
    }

    @Test
    void theEndpointComesFromTheCatalogByTypeInterfaceAndRegion() {
        StubClients c = new StubClients(stub, secrets, clock, Duration.ofSeconds(5));
        c.nova.computeServices("host1");
        assertThat(stub.calls().get(1).path).isEqualTo("/compute/v2.1/os-services");

        KeystoneConfiguration publicOne = StubClients.keystoneConfig(stub, secrets);
        publicOne.interfaceName = "public";
        KeystoneSession session = new StubClients(publicOne, clock, Duration.ofSeconds(5)).keystone;
        assertThat(session.endpoint(session.token(), "compute").getPath()).isEqualTo("/compute-public/v2.1");

        KeystoneConfiguration regionTwo = StubClients.keystoneConfig(stub, secrets);
        regionTwo.region = "RegionTwo";
        session = new StubClients(regionTwo, clock, Duration.ofSeconds(5)).keystone;
        assertThat(session.endpoint(session.token(), "compute").getPath()).isEqualTo("/compute-region-two/v2.1");
        assertThat(session.endpoint(session.token(), "compute").getHost()).isEqualTo("127.0.0.1");

        KeystoneConfiguration nowhere = StubClients.keystoneConfig(stub, secrets);
        nowhere.region = "RegionNine";
        KeystoneSession lost = new StubClients(nowhere, clock, Duration.ofSeconds(5)).keystone;
        assertThatThrownBy(() -> lost.endpoint(lost.token(), "compute"))
                .isInstanceOfSatisfying(OpenStackException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("no 'compute' endpoint with interface internal in region RegionNine")
                .hasMessageContaining("its regions for that interface: RegionOne, RegionTwo");
    }

    @Test
    void aRegionThatDiffersOnlyInCaseIsUsedWhenItIsTheOnlyOne() {
        KeystoneConfiguration lower = StubClients.keystoneConfig(stub, secrets);
        lower.region = "regiontwo"; // Debian's packages say regionOne, upstream's documents RegionOne
        KeystoneSession session = new StubClients(lower, clock, Duration.ofSeconds(5)).keystone;
        assertThat(session.endpoint(session.token(), "compute").getPath()).isEqualTo("/compute-region-two/v2.1");
    }

    @Test
    void theTokenNeverShowsInToString() {
        KeystoneSession session = new StubClients(stub, secrets, clock, Duration.ofSeconds(5)).keystone;
        KeystoneSession.Token token = session.token();
        assertThat(token.toString()).doesNotContain(token.value()).contains("expiresAt");
    }

    @Test
    void keystoneDownIsTransient() {
        KeystoneConfiguration k = StubClients.keystoneConfig(stub, secrets);
        k.authUrl = "http://127.0.0.1:1/v3";
        StubClients c = new StubClients(k, clock, Duration.ofSeconds(2));
        assertThatThrownBy(() -> c.nova.computeServices("host1"))
                .isInstanceOfSatisfying(OpenStackException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("cannot reach Keystone");
    }
}
