package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The detector thread's lanes: membership events run ahead of follow-ups queued before them, in their own order. */
@Timeout(30)
class DetectorThreadTest {
    private final DetectorThread thread = new DetectorThread("test-detector");
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        thread.shutdownNow();
    }

    /** Holds the thread until the returned latch is counted down. */
    private CountDownLatch hold() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        thread.execute(() -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private void finish() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        thread.execute(done::countDown);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void lossesQueuedAfterFollowUpsRunBeforeThemInTheirOwnOrder() throws InterruptedException {
        CountDownLatch release = hold();
        for (int i = 1; i <= 3; i++) {
            String name = "ack of h" + i;
            thread.execute(() -> ran.add(name));
        }
        for (int i = 1; i <= 3; i++) {
            String name = "left h" + i;
            thread.executeUrgent(() -> ran.add(name));
        }
        thread.executeUrgent(() -> ran.add("joined h1"));
        assertThat(thread.urgentWaiting()).isEqualTo(4);
        release.countDown();
        finish();
        // A single first-in-first-out queue would have run the three acknowledgements first.
        assertThat(ran).containsExactly("left h1", "left h2", "left h3", "joined h1", "ack of h1", "ack of h2",
                "ack of h3");
    }

    @Test
    void probeResultsRunAfterUrgentTasksAndBeforeOtherFollowUpsQueuedEarlier() throws InterruptedException {
        CountDownLatch release = hold();
        thread.execute(() -> ran.add("ack of h1"));
        thread.executeEvidence(() -> ran.add("probe result h1"));
        thread.executeEvidence(() -> {
            ran.add("probe result h2");
            thread.executeUrgent(() -> ran.add("left h4"));
        });
        thread.executeEvidence(() -> ran.add("probe result h3"));
        thread.executeUrgent(() -> ran.add("left h3"));
        release.countDown();
        finish();
        assertThat(ran).containsExactly("left h3", "probe result h1", "probe result h2", "left h4",
                "probe result h3", "ack of h1");
    }

    @Test
    void anUrgentTaskSubmittedWhileAFollowUpRunsGoesBeforeTheNextFollowUp() throws InterruptedException {
        CountDownLatch release = hold();
        thread.execute(() -> {
            ran.add("probe result h1");
            thread.executeUrgent(() -> ran.add("left h2"));
        });
        thread.execute(() -> ran.add("probe result h3"));
        release.countDown();
        finish();
        assertThat(ran).containsExactly("probe result h1", "left h2", "probe result h3");
    }

    @Test
    void timersAlsoWaitForUrgentTasksAndAFailingTaskDoesNotStopTheNext() throws InterruptedException {
        CountDownLatch release = hold();
        CountDownLatch timer = new CountDownLatch(1);
        thread.schedule(() -> {
            ran.add("wake");
            timer.countDown();
        }, 0, TimeUnit.MILLISECONDS);
        thread.executeUrgent(() -> {
            throw new IllegalStateException("a listener's bug");
        });
        thread.executeUrgent(() -> ran.add("left h1"));
        release.countDown();
        assertThat(timer.await(10, TimeUnit.SECONDS)).isTrue();
        finish();
        assertThat(ran).containsExactly("left h1", "wake");
    }
}
