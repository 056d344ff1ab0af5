package io.hostwatch.service.detector;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import io.hostwatch.service.probe.PingProbe;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's check of its own senses. Its network: its configured isolation addresses (for
 * example its default gateway) — when none of them answers, a member that does not answer
 * ping proves nothing, so ping evidence becomes {@code UNKNOWN}. Its storage: a canary slot that it
 * writes and reads back — when that fails or hangs, a stale member slot proves nothing, so storage
 * evidence becomes {@code UNKNOWN}. Both are checked every {@code interval} on their own threads.
 */
public final class SelfCheck implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SelfCheck.class);

    /**
     * What {@code GET /v1/detector} shows.
     *
     * @param network OK / FAIL / NOT_CONFIGURED
     * @param networkDetail what answered, or what did not
     * @param storage OK / FAIL
     * @param storageDetail canary result
     * @param checkedAt last check
     */
    public record Status(String network, String networkDetail, String storage, String storageDetail,
                         Instant checkedAt) {
    }

    private final PingProbe ping;
    private final List<String> isolationAddresses;
    private final Path canary;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService canaryIo;
    private final UUID canaryIncarnation = UUID.randomUUID();
    private long canarySeq;
    private CompletableFuture<Void> canaryInFlight;
    private volatile Status status;
    private volatile boolean networkOk = true;
    private volatile boolean storageOk = true;

    public SelfCheck(PingProbe ping, List<String> isolationAddresses, Path storageRoot, String instanceId,
                     Duration interval, Duration timeout, Clock clock) {
        this.ping = ping;
        this.isolationAddresses = List.copyOf(isolationAddresses);
        this.canary = storageRoot.resolve(".hostwatch").resolve("canary-" + instanceId + ".hb");
        this.interval = interval;
        this.timeout = timeout;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hostwatch-selfcheck"));
        this.canaryIo = Executors.newSingleThreadExecutor(r -> daemon(r, "hostwatch-canary"));
        this.status = new Status(isolationAddresses.isEmpty() ? "NOT_CONFIGURED" : "UNCHECKED", null, "UNCHECKED",
                null, null);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::checkQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Status status() {
        return status;
    }

    /** The member's ping evidence, or UNKNOWN when the detector's own network is not healthy. */
    public Evidence.Ping vouch(Evidence.Ping p) {
        if (p != null && p.status() == SignalStatus.Ping.FAIL && !networkOk) {
            return new Evidence.Ping(SignalStatus.Ping.UNKNOWN, p.observedAt(), p.method(), null,
                    "the detector's own isolation addresses do not answer (" + status.networkDetail()
                            + "); member ping: " + p.detail());
        }
        return p;
    }

    /** The member's storage evidence, or UNKNOWN when the detector cannot use storage itself. */
    public Evidence.Storage vouch(Evidence.Storage s) {
        if (s != null && s.status() == SignalStatus.Storage.STALE && !storageOk) {
            return new Evidence.Storage(SignalStatus.Storage.UNKNOWN, s.observedAt(), s.seq(), s.flags(),
                    s.millisSinceAdvance(), s.incarnation(), "the detector's storage canary fails ("
                    + status.storageDetail() + "); member slot: " + s.detail());
        }
        return s;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.warn("self-check failed: {}", e.toString());
        }
    }

    /** Runs one check of both senses (blocking up to about the timeout). */
    void check() {
        String network;
        String networkDetail;
        if (isolationAddresses.isEmpty()) {
            network = "NOT_CONFIGURED";
            networkDetail = "no isolation addresses configured";
            networkOk = true;
        } else {
            List<CompletableFuture<Evidence.Ping>> probes = new ArrayList<>();
            isolationAddresses.forEach(a -> probes.add(ping.probe(a)));
            List<String> answered = new ArrayList<>();
            for (int i = 0; i < probes.size(); i++) {
                Evidence.Ping p = probes.get(i).join();
                if (p.status() == SignalStatus.Ping.OK) {
                    answered.add(isolationAddresses.get(i) + " (" + p.method() + ")");
                }
            }
            boolean ok = !answered.isEmpty();
            if (ok != networkOk) {
                LOG.warn("detector network self-check: {}", ok ? "isolation addresses answer again"
                        : "none of " + isolationAddresses + " answers: ping evidence is UNKNOWN");
            }
            networkOk = ok;
            network = ok ? "OK" : "FAIL";
            networkDetail = ok ? "answered: " + String.join(", ", answered) : "none of " + isolationAddresses
                    + " answers";
        }
        String storageDetail = checkCanary();
        boolean sOk = storageDetail == null;
        if (sOk != storageOk) {
            LOG.warn("detector storage self-check: {}", sOk ? "canary works again" : storageDetail);
        }
        storageOk = sOk;
        status = new Status(network, networkDetail, sOk ? "OK" : "FAIL", sOk ? "canary " + canary
                + " written and read back" : storageDetail, clock.instant());
    }

    /** Writes and reads back the canary; null when that worked, else what went wrong. */
    private String checkCanary() {
        if (canaryInFlight != null && !canaryInFlight.isDone()) {
            return "canary I/O on " + canary + " has not returned";
        }
        long seq = ++canarySeq;
        canaryInFlight = CompletableFuture.runAsync(() -> {
            try {
                Files.createDirectories(canary.getParent());
                Path tmp = canary.resolveSibling(canary.getFileName() + ".tmp");
                // The directory is shared with every member: whatever is planted at the temporary name
                // is unlinked (a symlink's target is never touched), and nothing is followed.
                Files.deleteIfExists(tmp);
                try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
                    ByteBuffer bytes = ByteBuffer.wrap(StorageRecordCodec.encode(new StorageRecord(seq,
                            canaryIncarnation, Set.of(), (int) interval.toMillis(), clock.millis())));
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                }
                Files.move(tmp, canary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                StorageRecord back = StorageRecordCodec.decode(readBack(canary));
                if (back.seq() != seq) {
                    throw new IllegalStateException("canary read back seq " + back.seq() + ", wrote " + seq);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, canaryIo);
        try {
            canaryInFlight.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            return "canary I/O on " + canary + " took longer than " + timeout.toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "canary " + canary + " failed: " + cause.getMessage();
        }
    }

    /** At most one byte more than a record, never through a symlink, with positional reads (no FIFO). */
    private static byte[] readBack(Path file) throws java.io.IOException {
        try (FileChannel in = FileChannel.open(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate(StorageRecordCodec.MAX_LENGTH + 1);
            while (buf.hasRemaining() && in.read(buf, buf.position()) > 0) {
                // until the end of the file
            }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        canaryIo.shutdownNow();
    }
}
