package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ServiceSupervisorTest {
    /** Never runs anything: the tests drive {@code checkOnce()} themselves. */
    private final ScheduledExecutorService unused = NamedThreads.scheduler("test-unused");
    private final Deque<Optional<String>> results = new ArrayDeque<>();
    private final List<String> events = new ArrayList<>();
    private final ServiceSupervisor.Listener listener = new ServiceSupervisor.Listener() {
        @Override
        public void onServiceDown(String why) {
            events.add("down: " + why);
        }

        @Override
        public void onServiceUp() {
            events.add("up");
        }
    };

    @AfterEach
    void tearDown() {
        unused.shutdownNow();
    }

    private ServiceSupervisor supervisor(int failures) {
        HealthCheck scripted = () -> results.removeFirst();
        return new ServiceSupervisor(scripted, Duration.ofSeconds(1), failures, unused,
                listener);
    }

    private void check(ServiceSupervisor supervisor, Optional<String> result) {
        results.add(result);
        supervisor.checkOnce();
    }

    @Test
    void declaresTheServiceDownAfterConsecutiveFailuresOnly() {
        ServiceSupervisor s = supervisor(2);
        check(s, Optional.of("exit 1"));
        check(s, Optional.empty());
        check(s, Optional.of("exit 1"));
        assertThat(events).isEmpty();
        assertThat(s.isServiceUp()).isTrue();

        check(s, Optional.of("exit 3"));
        assertThat(events).containsExactly("down: exit 3");
        assertThat(s.isServiceUp()).isFalse();

        check(s, Optional.of("exit 3"));
        assertThat(events).hasSize(1);

        check(s, Optional.empty());
        assertThat(events).containsExactly("down: exit 3", "up");
        assertThat(s.isServiceUp()).isTrue();

        check(s, Optional.empty());
        assertThat(events).hasSize(2);
    }

    @Test
    void aThrowingCheckCountsAsAFailureAndAThrowingListenerIsContained() {
        HealthCheck throwing = () -> {
            throw new IllegalStateException("boom");
        };
        ServiceSupervisor.Listener failingListener = new ServiceSupervisor.Listener() {
            @Override
            public void onServiceDown(String why) {
                events.add("down: " + why);
                throw new IllegalStateException("listener failed");
            }

            @Override
            public void onServiceUp() {
            }
        };
        ServiceSupervisor s = new ServiceSupervisor(throwing, Duration.ofSeconds(1), 1,
                unused, failingListener);
        s.checkOnce();
        assertThat(events).singleElement().asString().contains("boom");
        assertThat(s.isServiceUp()).isFalse();
    }

    @Test
    void closedSupervisorIgnoresChecks() {
        ServiceSupervisor s = supervisor(1);
        s.close();
        results.add(Optional.of("exit 1"));
        s.checkOnce();
        assertThat(events).isEmpty();
    }
}
