package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The start-up warm-up walks the loss path for real (verdicts made and serialised) and is bounded. */
@Timeout(60)
class WarmupTest {
    @Test
    void eachRoundLosesATenthOfTheGroupAndJudgesItAndBringsItBack() {
        DetectorSettings settings = new DetectorSettings(Duration.ofSeconds(6), Duration.ofSeconds(5),
                Duration.ofSeconds(3), 0.5, 3, Duration.ofSeconds(60), 3, Duration.ofMinutes(10),
                Duration.ofMinutes(10), Duration.ofSeconds(5));
        long t0 = System.nanoTime();
        int verdicts = Warmup.run(settings, 1000, 20);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("warm-up: " + verdicts + " verdicts in " + ms + " ms");
        // per lost member: SUSPECT, DEAD (settling), DEAD (actionable), RUNNING again
        assertThat(verdicts).isEqualTo(20 * 100 * 4);
    }
}
