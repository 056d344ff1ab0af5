package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import io.hostwatch.service.testing.FakeMember;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.type: mtls} on an HTTPS connector with {@code needClientAuth}: a client certificate
 * mapped to reader reads but cannot change anything, one mapped to operator can (and is recorded),
 * a trusted but unmapped one gets 403, and no certificate gets no connection at all.
 */
@Timeout(120)
class MutualTlsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void clientCertificateSubjectsMapToPermissions() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        Path server = certs.keyPair("server", "CN=localhost", "ip:127.0.0.1,dns:localhost");
        Path reader = certs.keyPair("reader", "CN=hw-reader,O=hostwatch-test", null);
        Path operator = certs.keyPair("operator", "CN=hw-operator,O=hostwatch-test", null);
        Path stranger = certs.keyPair("stranger", "CN=stranger,O=hostwatch-test", null);
        Path serverTrust = certs.trustStore("server-trust", reader, operator, stranger);
        Path clientTrust = certs.trustStore("client-trust", server);
        Path storage = Files.createDirectories(dir.resolve("storage"));
        try (TestingServer zk = new TestingServer(true)) {
            String yaml = """
                    server:
                      applicationConnectors:
                        - type: https
                          port: 0
                          bindHost: 127.0.0.1
                          keyStorePath: "%s"
                          keyStorePassword: %s
                          keyStoreType: PKCS12
                          trustStorePath: "%s"
                          trustStorePassword: %s
                          trustStoreType: PKCS12
                          needClientAuth: true
                      adminConnectors: [{type: http, port: 0}]
                    zookeeper: {connectString: "%s", sessionTimeout: 6s}
                    storage: {root: "%s", staleAfter: 1s, observeInterval: 200ms}
                    ping: {timeout: 300ms, icmp: never, ports: [1]}
                    auth:
                      type: mtls
                      mtls:
                        readers: ["CN=hw-reader, O=hostwatch-test"]
                        operators: ["CN=hw-operator,O=hostwatch-test"]
                    """.formatted(server, TestCertificates.PASSWORD, serverTrust, TestCertificates.PASSWORD,
                    zk.getConnectString(), storage);
            DropwizardTestSupport<HostwatchConfiguration> app = new DropwizardTestSupport<>(
                    HostwatchApplication.class, Files.writeString(dir.resolve("hw.yml"), yaml).toString());
            app.before();
            try (FakeMember member = new FakeMember(zk.getConnectString(), storage, MemberId.of("compute", "m1"),
                    "127.0.0.1")) {
                String base = "https://127.0.0.1:" + app.getLocalPort();
                HttpClient asReader = client(TestCertificates.client(reader, clientTrust));
                HttpClient asOperator = client(TestCertificates.client(operator, clientTrust));
                HttpClient asStranger = client(TestCertificates.client(stranger, clientTrust));
                HttpClient anonymous = client(TestCertificates.client(null, clientTrust));
                String memberUrl = base + "/v1/groups/compute/members/m1";
                await("member known").atMost(WAIT).until(() -> call(asReader, "GET", memberUrl, null)
                        .statusCode() == 200);

                String maintenance = memberUrl + "/maintenance";
                String body = "{\"reason\":\"disk swap\"}";
                assertThat(call(asReader, "PUT", maintenance, body).statusCode()).isEqualTo(403);
                assertThat(call(asStranger, "GET", memberUrl, null).statusCode()).isEqualTo(403);
                assertThat(call(asOperator, "GET", memberUrl, null).statusCode()).isEqualTo(200);
                HttpResponse<String> set = call(asOperator, "PUT", maintenance, body);
                assertThat(set.statusCode()).isEqualTo(200);
                assertThat(Json.mapper().readTree(set.body()).path("setBy").asText())
                        .isEqualTo("cert:CN=hw-operator,O=hostwatch-test");
                assertThatThrownBy(() -> call(anonymous, "GET", memberUrl, null)).isInstanceOf(IOException.class);
            } finally {
                app.after();
            }
        }
    }

    private static HttpClient client(javax.net.ssl.SSLContext ctx) {
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> call(HttpClient http, String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
