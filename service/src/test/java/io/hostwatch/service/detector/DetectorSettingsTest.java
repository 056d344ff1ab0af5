package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DetectorSettingsTest {

    @Test
    void theDefaultSettleCoversAThirdOfTheSessionBetweenPingsPlusTheLargestTick() {
        // 6 s: last heard up to 2 s apart, expired on a tick of at most 3 s
        assertThat(DetectorSettings.settleFor(Duration.ofSeconds(6))).isEqualTo(Duration.ofSeconds(5));
        // 4 s: 1333 ms + 2000 ms, rounded up to 100 ms
        assertThat(DetectorSettings.settleFor(Duration.ofSeconds(4))).isEqualTo(Duration.ofMillis(3400));
        assertThat(DetectorSettings.settleFor(Duration.ofSeconds(4)))
                .isGreaterThan(Duration.ofSeconds(4).dividedBy(3).plus(Duration.ofSeconds(2)));
    }

    @Test
    void anUnsetSettleIsDerivedAConfiguredOneIsKept() {
        assertThat(DetectorSettings.settle(null, Duration.ofSeconds(6))).isEqualTo(Duration.ofSeconds(5));
        assertThat(DetectorSettings.settle(Duration.ofSeconds(8), Duration.ofSeconds(6)))
                .isEqualTo(Duration.ofSeconds(8));
        // shorter than the spread: kept (and warned about), the operator may know a shorter tick
        assertThat(DetectorSettings.settle(Duration.ofSeconds(1), Duration.ofSeconds(6)))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(DetectorSettings.settle(Duration.ZERO, Duration.ofSeconds(6))).isEqualTo(Duration.ZERO);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> DetectorSettings.settle(Duration.ofSeconds(-1), Duration.ofSeconds(6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("brake.settle");
        assertThatThrownBy(() -> DetectorSettings.settleFor(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("session timeout");
    }
}
