package io.hostwatch.service.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.nova.SecretSource;
import io.hostwatch.service.testing.IpmiSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IpmiPowerClient} with the real {@code ipmitool} against a real BMC simulator
 * ({@code ipmi_sim}, IPMI 2.0 over LAN on 127.0.0.1). Skipped when the Debian packages
 * {@code openipmi} and {@code ipmitool} are missing, except under {@code CI=true}, where that fails.
 */
@Timeout(120)
class IpmiPowerClientIT {
    @TempDir
    static Path dir;
    static IpmiSimulator bmc;

    @BeforeAll
    static void startBmc() {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!IpmiSimulator.available()) {
            if (ci) {
                throw new IllegalStateException("CI=true but ipmi_sim/ipmitool are missing (apt-get install openipmi"
                        + " ipmitool)");
            }
            assumeTrue(false, "ipmi_sim and ipmitool not installed: skipping (apt-get install openipmi ipmitool)");
        }
        bmc = IpmiSimulator.start(dir.resolve("bmc"), null);
    }

    @AfterAll
    static void stopBmc() {
        if (bmc != null) {
            bmc.close();
        }
    }

    private static IpmiPowerClient client(int port, SecretSource password, Duration timeout) {
        return new IpmiPowerClient(new IpmiPowerClient.Settings("ipmitool", "127.0.0.1", port, IpmiSimulator.USER,
                password, "ADMINISTRATOR", 3, timeout));
    }

    @Test
    void readsThePowerStatePowersOffAndOnAgain() {
        bmc.setPower(true);
        IpmiPowerClient c = client(bmc.port(), SecretSource.ofFile(bmc.passwordFile()), Duration.ofSeconds(10));
        long before = bmc.powerOffs();
        assertThat(c.status()).isEqualTo(new PowerManagement.Reading(SignalStatus.Power.ON, "Chassis Power is on"));
        assertThat(c.powerOff()).isEqualTo("Chassis Power Control: Down/Off");
        assertThat(bmc.poweredOn()).isFalse();
        assertThat(bmc.powerOffs()).isEqualTo(before + 1);
        assertThat(c.status().power()).isEqualTo(SignalStatus.Power.OFF);
        assertThat(c.status().answer()).isEqualTo("Chassis Power is off");
        assertThat(c.powerOn()).isEqualTo("Chassis Power Control: Up/On");
        assertThat(bmc.poweredOn()).isTrue();
        assertThat(c.method()).isEqualTo("ipmi-lanplus");
        assertThat(c.target()).isEqualTo("127.0.0.1:" + bmc.port());
    }

    @Test
    void aWrongPasswordIsAFailureNotAPowerState() throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password");
        IpmiPowerClient c = client(bmc.port(), SecretSource.ofFile(wrong), Duration.ofSeconds(10));
        long before = bmc.calls().size();
        assertThatThrownBy(c::status).isInstanceOf(BmcException.class).hasMessageContaining("failed")
                .hasMessageNotContaining("not-the-password");
        assertThatThrownBy(c::powerOff).isInstanceOf(BmcException.class);
        assertThat(bmc.calls()).as("nothing reached the chassis").hasSize((int) before);
    }

    @Test
    void anUnreachableBmcFailsWithinTheBound() {
        int nothing = IpmiSimulator.freeUdpPort();
        IpmiPowerClient c = client(nothing, SecretSource.ofFile(bmc.passwordFile()), Duration.ofSeconds(3));
        long t0 = System.nanoTime();
        assertThatThrownBy(c::status).isInstanceOf(BmcException.class);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(millis).as("bounded by the 3 s time-out (plus process start)").isLessThan(6_000);
    }
}
