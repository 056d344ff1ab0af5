package io.hostwatch.service.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.nova.SecretSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IpmiPowerClient} with a stand-in {@code ipmitool} (a shell script) that records its
 * arguments and environment: the password is passed in the environment only, answers are parsed
 * strictly, and a hanging ipmitool is killed at the time-out.
 */
@Timeout(30)
class IpmiPowerClientTest {
    static final String SECRET = "pw-in-env-only";

    @TempDir
    Path dir;

    private IpmiPowerClient client(String body, Duration timeout) throws Exception {
        Path tool = dir.resolve("ipmitool");
        Files.writeString(tool, "#!/bin/sh\necho \"$*\" > '" + dir.resolve("args") + "'\necho \"$IPMI_PASSWORD\" > '"
                + dir.resolve("env") + "'\n" + body + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
        Path pw = Files.writeString(dir.resolve("pw"), SECRET + "\n");
        return new IpmiPowerClient(new IpmiPowerClient.Settings(tool.toString(), "bmc7.mgmt.example.com", 6230,
                "fence", SecretSource.ofFile(pw), "OPERATOR", 17, timeout));
    }

    @Test
    void passwordGoesInTheEnvironmentNeverOnTheCommandLine() throws Exception {
        IpmiPowerClient c = client("echo 'Chassis Power is on'", Duration.ofSeconds(5));
        assertThat(c.status()).isEqualTo(new PowerManagement.Reading(SignalStatus.Power.ON, "Chassis Power is on"));
        String args = Files.readString(dir.resolve("args")).strip();
        assertThat(args).doesNotContain(SECRET)
                .isEqualTo("-I lanplus -H bmc7.mgmt.example.com -p 6230 -U fence -E -L OPERATOR -N 1 -R 1 -C 17 "
                        + "chassis power status");
        assertThat(Files.readString(dir.resolve("env")).strip()).isEqualTo(SECRET);
    }

    @Test
    void onlyAClearAnswerIsAPowerState() throws Exception {
        assertThat(client("echo 'Chassis Power is off'", Duration.ofSeconds(5)).status().power())
                .isEqualTo(SignalStatus.Power.OFF);
        assertThatThrownBy(() -> client("echo 'Chassis Power is unknown'", Duration.ofSeconds(5)).status())
                .isInstanceOf(BmcException.class).hasMessageContaining("no power state");
        assertThatThrownBy(() -> client("echo 'Chassis Power is on'; exit 1", Duration.ofSeconds(5)).status())
                .isInstanceOf(BmcException.class).hasMessageContaining("exit 1");
        assertThatThrownBy(() -> client("echo 'Set Chassis Power Control to Down/Off failed' >&2; exit 1",
                Duration.ofSeconds(5)).powerOff()).isInstanceOf(BmcException.class)
                .hasMessageContaining("Down/Off failed");
        assertThatThrownBy(() -> client("echo 'Chassis Power Control: Up/On'", Duration.ofSeconds(5)).powerOff())
                .as("an acknowledgement of something else").isInstanceOf(BmcException.class);
        assertThat(client("echo 'Chassis Power Control: Down/Off'", Duration.ofSeconds(5)).powerOff())
                .isEqualTo("Chassis Power Control: Down/Off");
    }

    @Test
    void aHangingIpmitoolIsKilledAtTheTimeout() throws Exception {
        IpmiPowerClient c = client("exec sleep 30", Duration.ofMillis(800));
        long t0 = System.nanoTime();
        assertThatThrownBy(c::status).isInstanceOf(BmcException.class).hasMessageContaining("within 800 ms");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void aMissingPasswordIsAFailureBeforeAnythingRuns() throws Exception {
        IpmiPowerClient c = new IpmiPowerClient(new IpmiPowerClient.Settings("/nonexistent/ipmitool", "bmc", 623,
                "fence", SecretSource.ofFile(dir.resolve("missing")), "ADMINISTRATOR", null, Duration.ofSeconds(2)));
        assertThatThrownBy(c::status).hasMessageContaining("cannot read secret file");
    }
}
