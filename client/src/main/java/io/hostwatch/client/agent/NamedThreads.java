package io.hostwatch.client.agent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Single-threaded, named, daemon schedulers for the agent, and their orderly shutdown. */
final class NamedThreads {
    private static final Logger log = LoggerFactory.getLogger(NamedThreads.class);

    private NamedThreads() {
    }

    static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Shuts the scheduler down, waiting a bounded time for a running task; interrupts it after that. */
    static void shutdown(ScheduledExecutorService scheduler, long waitMillis) {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                log.warn("a task did not finish within {} ms of stopping; interrupting it", waitMillis);
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
