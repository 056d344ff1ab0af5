package io.hostwatch.client.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.ZkRetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.RetryPolicy;
import org.apache.curator.RetrySleeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ZkRetryPolicyTest {
    /** Records the pauses the policy asks for instead of sleeping. */
    private final List<Long> pausesMs = new ArrayList<>();
    private final RetrySleeper sleeper = (time, unit) -> pausesMs.add(unit.toMillis(time));

    @Test
    void noPauseExceedsTheCapHoweverManyRetriesCame() {
        RetryPolicy policy = ZkRetryPolicy.create();
        for (int round = 0; round < 2_000; round++) {
            for (int retry = 0; retry < ZkRetry.MAX_RETRIES; retry++) {
                assertThat(policy.allowRetry(retry, TimeUnit.MINUTES.toMillis(30), sleeper)).isTrue();
            }
        }
        assertThat(pausesMs).hasSize(2_000 * ZkRetry.MAX_RETRIES)
                .allSatisfy(p -> assertThat(p).isBetween((long) ZkRetry.BASE_SLEEP_MS, (long) ZkRetry.MAX_SLEEP_MS));
        // the late retries do reach the cap: uncapped, they would pause up to 2^10 times the first pause
        assertThat(pausesMs).contains((long) ZkRetry.MAX_SLEEP_MS);
    }

    @Test
    void anOperationGivesUpAfterTheLastRetryWithoutPausing() {
        RetryPolicy policy = ZkRetryPolicy.create();
        assertThat(policy.allowRetry(ZkRetry.MAX_RETRIES, 0, sleeper)).isFalse();
        assertThat(policy.allowRetry(1_000, 0, sleeper)).isFalse();
        assertThat(pausesMs).isEmpty();
    }
}
