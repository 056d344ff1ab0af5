package io.hostwatch.service.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.nova.SecretSource;
import io.hostwatch.service.testing.RedfishStub;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link RedfishPowerClient} against a Redfish service over HTTPS on 127.0.0.1 with the DMTF resource shapes. */
@Timeout(60)
class RedfishPowerClientTest {
    @TempDir
    static Path dir;
    static RedfishStub bmc;
    static Path password;

    @BeforeAll
    static void start() throws Exception {
        bmc = RedfishStub.start(dir.resolve("redfish"));
        password = Files.writeString(dir.resolve("pw"), RedfishStub.PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (bmc != null) {
            bmc.close();
        }
    }

    @BeforeEach
    void on() {
        bmc.setPowerState("On");
        bmc.down = false;
    }

    private static RedfishPowerClient client(String systemId, Path ca, SecretSource pw) {
        return new RedfishPowerClient(new RedfishPowerClient.Settings(URI.create(bmc.url()), systemId,
                RedfishStub.USER, pw, ca, Duration.ofSeconds(5)));
    }

    @Test
    void readsPowerStateForcesOffThroughTheResetActionAndPowersOn() {
        RedfishPowerClient c = client(RedfishStub.SYSTEM, bmc.caFile(), SecretSource.ofFile(password));
        assertThat(c.status()).isEqualTo(new PowerManagement.Reading(SignalStatus.Power.ON, "PowerState On"));
        assertThat(c.powerOff()).isEqualTo("ComputerSystem.Reset ForceOff answered 204");
        assertThat(bmc.calls()).contains("POST /redfish/v1/Systems/" + RedfishStub.SYSTEM
                + "/Actions/ComputerSystem.Reset ForceOff");
        assertThat(c.status()).as("PoweringOff is not off").isEqualTo(new PowerManagement.Reading(
                SignalStatus.Power.ON, "PowerState PoweringOff"));
        assertThat(c.status()).isEqualTo(new PowerManagement.Reading(SignalStatus.Power.OFF, "PowerState Off"));
        c.powerOn();
        assertThat(bmc.powerState()).isEqualTo("On");
    }

    @Test
    void findsTheOnlySystemWhenNoIdIsConfigured() {
        RedfishPowerClient c = client(null, bmc.caFile(), SecretSource.ofFile(password));
        assertThat(c.status().power()).isEqualTo(SignalStatus.Power.ON);
        assertThat(bmc.calls()).contains("GET /redfish/v1/Systems");
    }

    @Test
    void failuresAreNeverAPowerState() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong"), "nope");
        assertThatThrownBy(() -> client(RedfishStub.SYSTEM, bmc.caFile(), SecretSource.ofFile(wrong)).status())
                .isInstanceOf(BmcException.class).hasMessageContaining("401");
        assertThatThrownBy(() -> client("other", bmc.caFile(), SecretSource.ofFile(password)).status())
                .isInstanceOf(BmcException.class).hasMessageContaining("404");
        bmc.down = true;
        assertThatThrownBy(() -> client(RedfishStub.SYSTEM, bmc.caFile(), SecretSource.ofFile(password)).powerOff())
                .isInstanceOf(BmcException.class).hasMessageContaining("503");
        assertThat(bmc.forceOffs()).as("no reset reached the stub while it was down").isZero();
    }

    @Test
    void aCertificateThatDoesNotChainToTheCaFileIsRefused() {
        // The JDK's own trust store does not know the test certificate.
        assertThatThrownBy(() -> client(RedfishStub.SYSTEM, null, SecretSource.ofFile(password)).status())
                .isInstanceOf(BmcException.class).hasMessageContaining("no answer");
    }
}
