package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ListenPolicyTest {
    private static HttpConnectorFactory rest(DefaultServerFactory s) {
        return (HttpConnectorFactory) s.getApplicationConnectors().get(0);
    }

    private static HttpConnectorFactory admin(DefaultServerFactory s) {
        return (HttpConnectorFactory) s.getAdminConnectors().get(0);
    }

    private static AuthConfiguration auth(String type) {
        AuthConfiguration a = new AuthConfiguration();
        a.type = type;
        return a;
    }

    @Test
    void unprotectedPortsDefaultToLoopback() {
        DefaultServerFactory s = new DefaultServerFactory();
        ListenPolicy.Outcome out = ListenPolicy.apply(s, auth("none"), false);
        assertThat(rest(s).getBindHost()).isEqualTo("127.0.0.1");
        assertThat(admin(s).getBindHost()).isEqualTo("127.0.0.1");
        assertThat(out.warnings()).isEmpty();
        assertThat(out.rest()).containsExactly("http://127.0.0.1:8080");
    }

    @Test
    void unprotectedOnAnotherAddressIsRefusedUnlessAllowedWithAWarning() {
        DefaultServerFactory s = new DefaultServerFactory();
        rest(s).setBindHost("0.0.0.0");
        assertThatThrownBy(() -> ListenPolicy.apply(s, auth("none"), false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("security.allowInsecure");
        ListenPolicy.Outcome out = ListenPolicy.apply(s, auth("none"), true);
        assertThat(out.warnings()).anyMatch(w -> w.contains("without authentication"));
        DefaultServerFactory open = new DefaultServerFactory();
        ListenPolicy.Outcome all = ListenPolicy.apply(open, auth("none"), true);
        assertThat(rest(open).getBindHost()).isNull();
        assertThat(all.warnings()).hasSize(2);
    }

    @Test
    void keystoneOpensTheRestPortButKeepsTheAdminPortOnLoopback() {
        DefaultServerFactory s = new DefaultServerFactory();
        ListenPolicy.Outcome out = ListenPolicy.apply(s, auth("keystone"), false);
        assertThat(rest(s).getBindHost()).isNull();
        assertThat(admin(s).getBindHost()).isEqualTo("127.0.0.1");
        assertThat(out.warnings()).anyMatch(w -> w.contains("clear text"));
    }

    @Test
    void mtlsNeedsHttpsWithClientCertificates() {
        DefaultServerFactory s = new DefaultServerFactory();
        assertThatThrownBy(() -> ListenPolicy.apply(s, auth("mtls"), false))
                .hasMessageContaining("needClientAuth");
        HttpsConnectorFactory https = new HttpsConnectorFactory();
        https.setNeedClientAuth(true);
        s.setApplicationConnectors(List.of(https));
        ListenPolicy.Outcome out = ListenPolicy.apply(s, auth("mtls"), false);
        assertThat(out.rest()).singleElement().asString().startsWith("https://0.0.0.0:");
        assertThat(out.warnings()).isEmpty();
    }
}
