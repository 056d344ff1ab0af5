package io.hostwatch.service.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.NovaAction;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Nova and Masakari clients against the contract stub: request shapes, and which failures are final. */
@Timeout(30)
class NovaClientTest {
    @TempDir
    Path secrets;
    private OpenStackStub stub;
    private StubClients clients;
    private String host1;

    @BeforeEach
    void setUp() {
        stub = OpenStackStub.start();
        host1 = stub.compute.addService("host1");
        clients = new StubClients(stub, secrets, Clock.systemUTC(), Duration.ofMillis(4000)); // room for a loaded machine
    }

    @AfterEach
    void tearDown() {
        stub.close();
    }

    @Test
    void listsTheServicesOfExactlyOneHostAtMicroversion253() {
        stub.compute.addService("host10");
        assertThat(clients.nova.computeServices("host1")).singleElement()
                .satisfies(s -> {
                    assertThat(s.id()).isEqualTo(host1);
                    assertThat(s.hasUuid()).isTrue();
                    assertThat(s.forcedDown()).isFalse();
                });
        OpenStackStub.Call list = stub.calls().get(1);
        assertThat(list.method).isEqualTo("GET");
        assertThat(list.query).isEqualTo("binary=nova-compute&host=host1");
        assertThat(list.microversion).isEqualTo("compute 2.53");
        assertThat(list.token).startsWith("gAAAAAB");
    }

    @Test
    void forceDownSendsForcedDownAndDisabledInOneBody() {
        clients.nova.forceDown(host1, "hostwatch: DEAD since 2026-11-24T12:00:07Z");
        OpenStackStub.Call put = stub.calls().get(1);
        assertThat(put.method).isEqualTo("PUT");
        assertThat(put.path).isEqualTo("/compute/v2.1/os-services/" + host1);
        assertThat(put.microversion).isEqualTo("compute 2.53");
        assertThat(put.status).isEqualTo(200);
        assertThat(put.json().get("forced_down").asBoolean()).isTrue();
        assertThat(put.json().get("status").asText()).isEqualTo("disabled");
        assertThat(put.json().get("disabled_reason").asText()).isEqualTo("hostwatch: DEAD since 2026-11-24T12:00:07Z");
        assertThat(put.json().size()).isEqualTo(3);
        assertThat(stub.compute.service(host1).forcedDown).isTrue();
        assertThat(stub.compute.service(host1).status).isEqualTo("disabled");

        clients.nova.forceDown(host1, "again");
        assertThat(stub.calls().get(2).status).as("the same values again are fine").isEqualTo(200);
    }

    @Test
    void aLongReasonIsCutToNovasColumn() {
        clients.nova.forceDown(host1, "x".repeat(400));
        assertThat(stub.calls().get(1).json().get("disabled_reason").asText()).hasSize(255);
    }

    @Test
    void forceUpIsRetryableWhileEvacuationRecordsRemain() {
        clients.nova.forceDown(host1, "hostwatch: DEAD");
        stub.compute.refuseForceUp("host1", 1);
        assertThatThrownBy(() -> clients.nova.forceUp(host1))
                .isInstanceOfSatisfying(OpenStackException.class, retryable(400))
                .hasMessageContaining("`done` evacuation migration records remain");
        assertThat(stub.compute.service(host1).forcedDown).isTrue();
        clients.nova.forceUp(host1);
        assertThat(stub.compute.service(host1).forcedDown).isFalse();
        assertThat(stub.compute.service(host1).status).as("re-enabling is separate").isEqualTo("disabled");
        clients.nova.enable(host1);
        assertThat(stub.compute.service(host1).status).isEqualTo("enabled");
        assertThat(stub.forcedDownCalls(false).get(1).json().size()).isEqualTo(1);
    }

    @Test
    void finalFailures() {
        assertThatThrownBy(() -> clients.nova.forceDown("not-a-uuid", "r"))
                .isInstanceOfSatisfying(OpenStackException.class, fatal(400)).hasMessageContaining("Invalid uuid");
        assertThatThrownBy(() -> clients.nova.forceDown("9d3f8a3c-2b1e-4c5d-8f7a-0e1b2c3d4e5f", "r"))
                .isInstanceOfSatisfying(OpenStackException.class, fatal(404)).hasMessageContaining("no such service");
        stub.compute.forbidUpdates(true);
        assertThatThrownBy(() -> clients.nova.forceDown(host1, "r"))
                .isInstanceOfSatisfying(OpenStackException.class, fatal(403)).hasMessageContaining("role");
        stub.compute.minimumMicroversion(60);
        assertThatThrownBy(() -> clients.nova.computeServices("host1"))
                .isInstanceOfSatisfying(OpenStackException.class, fatal(406))
                .hasMessageContaining("microversion 2.53");
    }

    @Test
    void anOutageOrATimeoutIsRetryable() {
        stub.down(true);
        assertThatThrownBy(() -> clients.nova.computeServices("host1"))
                .isInstanceOfSatisfying(OpenStackException.class, retryable(503));
        stub.down(false);
        stub.hang(true);
        long start = System.nanoTime();
        assertThatThrownBy(() -> clients.nova.forceDown(host1, "r"))
                .isInstanceOfSatisfying(OpenStackException.class, retryable(0))
                .hasMessageContaining("did not answer PUT /os-services/" + host1 + " within 4000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        stub.hang(false);
        assertThat(stub.compute.service(host1).forcedDown).as("a held request never reached Nova").isFalse();
    }

    @Test
    void masakariGetsTheExactNotificationShape() {
        stub.masakari.addHost("host1");
        Instant generated = Instant.parse("2026-05-01T10:00:00.123Z");
        MasakariApi.Answer accepted = clients.masakari.hostStopped("host1", generated);
        assertThat(accepted.ok()).as(accepted.toString()).isTrue();
        assertThat(accepted.notificationId()).isNotBlank();
        OpenStackStub.Call post = stub.notifications().get(0);
        assertThat(post.path).isEqualTo("/instance-ha/v1/notifications");
        assertThat(post.status).isEqualTo(202);
        assertThat(post.json()).isEqualTo(OpenStackHttp.parse("{\"notification\":{\"type\":\"COMPUTE_HOST\","
                + "\"hostname\":\"host1\",\"generated_time\":\"2026-05-01T10:00:00Z\",\"payload\":{\"event\":"
                + "\"STOPPED\",\"host_status\":\"NORMAL\",\"cluster_status\":\"OFFLINE\"}}}"));
    }

    @Test
    void masakariDuplicateMaintenanceAndUnknownHostAreAnswersNotErrors() {
        stub.masakari.addHost("host1");
        stub.masakari.addHost("host2");
        Instant generated = Instant.parse("2026-05-01T10:00:00Z");
        clients.masakari.hostStopped("host1", generated);
        MasakariApi.Answer duplicate = clients.masakari.hostStopped("host1", generated);
        assertThat(duplicate.duplicate()).as(duplicate.toString()).isTrue();
        assertThat(duplicate.underMaintenance()).isFalse();
        stub.masakari.processAll();
        MasakariApi.Answer maintenance = clients.masakari.hostStopped("host1", generated.plusSeconds(600));
        assertThat(maintenance.underMaintenance()).as(maintenance.toString()).isTrue();
        MasakariApi.Answer unknown = clients.masakari.hostStopped("host9", generated);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.message()).isEqualTo("Host with name host9 could not be found.");
        assertThat(stub.notifications().stream().map(c -> c.status)).containsExactly(202, 409, 409, 400);
        assertThat(clients.masakari.clearMaintenance("host1").status()).isEqualTo(200);
        assertThat(clients.masakari.hostStopped("host1", generated.plusSeconds(1200)).ok()).isTrue();
        assertThat(clients.masakari.clearMaintenance("host9").status()).isEqualTo(404);
        stub.down(true);
        assertThatThrownBy(() -> clients.masakari.hostStopped("host1", generated))
                .isInstanceOfSatisfying(OpenStackException.class, retryable(503));
    }

    private static Consumer<OpenStackException> retryable(int status) {
        return e -> {
            assertThat(e.retryable()).as("retryable: %s", e.getMessage()).isTrue();
            assertThat(e.status()).isEqualTo(status);
        };
    }

    private static Consumer<OpenStackException> fatal(int status) {
        return e -> {
            assertThat(e.retryable()).as("final: %s", e.getMessage()).isFalse();
            assertThat(e.status()).isEqualTo(status);
        };
    }
}
