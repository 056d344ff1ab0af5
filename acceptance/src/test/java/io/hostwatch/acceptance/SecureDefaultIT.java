package io.hostwatch.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secure by default, on the real service jar with its embedded ZooKeeper and no TLS: everything
 * listens on 127.0.0.1 only and the service says it runs unprotected; asking for another address
 * without TLS is refused at start-up unless security.allowInsecure is set, which then shows in
 * GET /v1/detector. (Every other end-to-end test runs protected, see harness.Protection.)
 */
@Timeout(240)
class SecureDefaultIT {
    @TempDir
    Path dir;

    @Test
    void withoutTlsEverythingListensOnLoopbackOnly() throws Exception {
        try (ServiceProcess s = ServiceProcess.startEmbedded("service-default", dir, Map.of())) {
            JsonNode security = awaitDetector(s).path("security");
            assertThat(security.path("zookeeper").path("tls").asBoolean()).isFalse();
            assertThat(security.path("allowInsecure").asBoolean()).isFalse();
            assertThat(s.output()).contains("running unprotected");
            int port = URI.create(s.url()).getPort();
            assertThat(accepts("127.0.0.1", port)).isTrue();
            Optional<String> other = nonLoopbackAddress();
            if (other.isPresent()) {
                assertThat(accepts(other.get(), port)).as("REST port on %s", other.get()).isFalse();
                assertThat(accepts(other.get(), URI.create(s.adminUrl()).getPort())).as("admin port").isFalse();
            }
        }
    }

    @Test
    void anotherAddressWithoutTlsIsRefusedUnlessInsecureIsAllowed() throws Exception {
        try (ServiceProcess refused = ServiceProcess.startEmbedded("service-refused", dir.resolve("a"),
                Map.of("zookeeper.embedded.address", "0.0.0.0"))) {
            assertThat(refused.waitForExit(90)).isNotZero();
            assertThat(refused.output()).contains("refusing to listen beyond loopback without TLS")
                    .contains("security.allowInsecure");
        }
        try (ServiceProcess allowed = ServiceProcess.startEmbedded("service-insecure", dir.resolve("b"),
                Map.of("zookeeper.embedded.address", "0.0.0.0", "security.allowInsecure", "true"))) {
            JsonNode security = awaitDetector(allowed).path("security");
            assertThat(security.path("allowInsecure").asBoolean()).isTrue();
            assertThat(security.path("zookeeper").path("exposures").toString())
                    .contains("embedded ZooKeeper on 0.0.0.0");
            assertThat(allowed.output()).contains("INSECURE (security.allowInsecure is set)");
        }
    }

    private static JsonNode awaitDetector(ServiceProcess s) {
        JsonNode[] last = new JsonNode[1];
        await("service answers").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                .failFast("service exited: " + s.name(), () -> !s.isAlive())
                .until(() -> {
                    last[0] = Rest.get(s.url() + "/v1/detector").body();
                    return last[0] != null && last[0].path("security").has("zookeeper");
                });
        return last[0];
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> nonLoopbackAddress() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a.getHostAddress());
                }
            }
        }
        return Optional.empty();
    }
}
