package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.ZkRetry;
import java.time.Duration;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CuratorLifecycleTest {
    @Test
    void theServicesClientRetriesCappedAsEveryHostwatchClientDoes() {
        CuratorLifecycle lifecycle = new CuratorLifecycle("127.0.0.1:1", Duration.ofSeconds(10), Duration.ofSeconds(5));
        try {
            assertThat(lifecycle.client().getZookeeperClient().getRetryPolicy())
                    .isInstanceOfSatisfying(BoundedExponentialBackoffRetry.class, policy -> {
                        assertThat(policy.getMaxSleepTimeMs()).isEqualTo(ZkRetry.MAX_SLEEP_MS);
                        assertThat(policy.getBaseSleepTimeMs()).isEqualTo(ZkRetry.BASE_SLEEP_MS);
                        assertThat(policy.getN()).isEqualTo(ZkRetry.MAX_RETRIES);
                    });
        } finally {
            lifecycle.stop();
        }
    }
}
