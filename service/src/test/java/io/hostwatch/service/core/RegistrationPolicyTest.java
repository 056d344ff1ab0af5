package io.hostwatch.service.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.MemberRegistration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class RegistrationPolicyTest {
    private static final String INC = "123e4567-e89b-12d3-a456-426614174000";
    private final RegistrationPolicy policy = new RegistrationPolicy(List.of("10.0.0.0/8", "fd00::/8"), 60_000, 3);

    @Test
    void acceptsAWellFormedRegistrationInsideTheNetworks() {
        assertThat(policy.problem(reg("10.1.2.3", INC, 30_000L), 0)).isEmpty();
        assertThat(policy.problem(reg("fd00::17", INC, null), 2)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compute-1.example.com", "localhost", "10.0.0.256", "", "10.0.0.1 ", "::g"})
    void refusesAnythingButALiteralAddress(String address) {
        assertThat(policy.problem(reg(address, INC, null), 0)).get().asString().contains("not a literal IP");
    }

    @Test
    void refusesAddressesOutsideTheNetworks() {
        assertThat(policy.problem(reg("192.0.2.1", INC, null), 0)).get().asString().contains("outside");
        assertThat(policy.problem(reg("fe80::1", INC, null), 0)).get().asString().contains("outside");
        assertThat(RegistrationPolicy.DEFAULT.problem(reg("192.0.2.1", INC, null), 0)).isEmpty();
    }

    @Test
    void refusesAnIncarnationThatIsNotAUuid() {
        assertThat(policy.problem(reg("10.0.0.1", "inc-1", null), 0)).get().asString().contains("not a UUID");
        assertThat(policy.problem(reg("10.0.0.1", null, null), 0)).get().asString().contains("not a UUID");
    }

    @Test
    void refusesAFenceAfterBeyondTheMaximum() {
        assertThat(policy.problem(reg("10.0.0.1", INC, 60_000L), 0)).isEmpty();
        assertThat(policy.problem(reg("10.0.0.1", INC, 60_001L), 0)).get().asString().contains("fenceAfterMillis");
        assertThat(policy.problem(reg("10.0.0.1", INC, Long.MAX_VALUE), 0)).isPresent();
        assertThat(policy.problem(reg("10.0.0.1", INC, -1L), 0)).isPresent();
    }

    @Test
    void boundsTheMembersOfAGroup() {
        assertThat(policy.problem(reg("10.0.0.1", INC, null), 2)).isEmpty();
        assertThat(policy.problem(reg("10.0.0.1", INC, null), 3)).get().asString().contains("already has 3");
    }

    @Test
    void refusesBadNetworks() {
        assertThatThrownBy(() -> new RegistrationPolicy(List.of("10.0.0.0"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistrationPolicy(List.of("10.0.0.0/33"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistrationPolicy(List.of("example.com/8"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static MemberRegistration reg(String address, String incarnation, Long fenceAfter) {
        return new MemberRegistration("compute", "h1", address, incarnation, Instant.EPOCH, false, 1000, "t",
                fenceAfter);
    }
}
