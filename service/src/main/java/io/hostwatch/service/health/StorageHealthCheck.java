package io.hostwatch.service.health;

import com.codahale.metrics.health.HealthCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Healthy when the storage root can be listed within a deadline (a hung mount is unhealthy, not a hang). */
public final class StorageHealthCheck extends HealthCheck {
    private final Path root;
    private final long timeoutMillis;

    public StorageHealthCheck(Path root, long timeoutMillis) {
        this.root = root;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected Result check() throws Exception {
        CompletableFuture<Boolean> listed = CompletableFuture.supplyAsync(() -> {
            try (var entries = Files.list(root)) {
                entries.findFirst();
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        try {
            return listed.get(timeoutMillis, TimeUnit.MILLISECONDS) ? Result.healthy("storage root " + root
                    + " readable") : Result.unhealthy("storage root " + root + " is not readable");
        } catch (TimeoutException e) {
            return Result.unhealthy("storage root " + root + " did not answer within " + timeoutMillis + " ms");
        }
    }
}
