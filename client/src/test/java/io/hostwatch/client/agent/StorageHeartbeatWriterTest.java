package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StorageHeartbeatWriterTest {
    private static final MemberId ID = MemberId.of("compute", "h1");
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:05Z");
    private static final Duration INTERVAL = Duration.ofMillis(50);

    @TempDir
    Path tmp;

    private final UUID incarnation = UUID.randomUUID();
    private ScheduledExecutorService scheduler;
    private StorageHeartbeatWriter writer;

    @BeforeEach
    void setUp() {
        scheduler = NamedThreads.scheduler("test-storage");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (writer != null) {
            writer.close();
        }
        scheduler.shutdownNow();
        // a write in progress must end before the temporary directory is removed
        assertThat(scheduler.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    private StorageHeartbeatWriter writer(Path root) {
        writer = new StorageHeartbeatWriter(root, ID, incarnation, INTERVAL, scheduler,
                Clock.fixed(NOW, ZoneOffset.UTC));
        return writer;
    }

    private static StorageRecord read(Path slot) throws IOException {
        return StorageRecordCodec.decode(Files.readAllBytes(slot));
    }

    @Test
    void writesRecordsWithAnAdvancingCounter() throws IOException {
        StorageHeartbeatWriter w = writer(tmp);
        w.writeNow();
        Path slot = tmp.resolve("compute").resolve("h1.hb");
        assertThat(w.slot()).isEqualTo(slot);

        StorageRecord first = read(slot);
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.incarnation()).isEqualTo(incarnation);
        assertThat(first.flags()).isEmpty();
        assertThat(first.intervalMillis()).isEqualTo(50);
        assertThat(first.wallTimeMillis()).isEqualTo(NOW.toEpochMilli());

        w.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> read(slot).seq() >= 5);
        assertThat(read(slot).incarnation()).isEqualTo(incarnation);
        // the writer counts a record once the rename is durable, a moment after a reader can see it
        await().atMost(Duration.ofSeconds(5)).until(() -> w.lastSeq() >= 5);
    }

    @Test
    void leavesOnlyTheSlotBehind() throws IOException {
        StorageHeartbeatWriter w = writer(tmp);
        w.writeNow();
        w.writeNow();
        try (Stream<Path> files = Files.list(tmp.resolve("compute"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("h1.hb");
        }
    }

    @Test
    void flagsAppearInTheNextRecord() throws IOException {
        StorageHeartbeatWriter w = writer(tmp);
        w.setFlag(StorageFlag.SERVICE_DOWN);
        w.setFlag(StorageFlag.STOPPING);
        w.writeNow();
        assertThat(read(w.slot()).flags()).containsExactlyInAnyOrder(StorageFlag.SERVICE_DOWN, StorageFlag.STOPPING);

        w.clearFlag(StorageFlag.SERVICE_DOWN);
        assertThat(w.flags()).containsExactly(StorageFlag.STOPPING);
        w.writeNow();
        StorageRecord record = read(w.slot());
        assertThat(record.flags()).containsExactly(StorageFlag.STOPPING);
        assertThat(record.seq()).isEqualTo(2);
    }

    @Test
    void unwritableStorageFailsWriteNowAndTheScheduleRecoversOnceWritable() throws IOException {
        // A regular file where the storage root should be: blocks writes even for root.
        Path blocker = Files.writeString(tmp.resolve("storage"), "not a directory");
        StorageHeartbeatWriter w = writer(blocker);

        assertThatThrownBy(w::writeNow)
                .isInstanceOf(HostwatchException.class)
                .hasMessageContaining(w.slot().toString());
        assertThat(w.lastSeq()).isZero();

        w.start();
        Files.delete(blocker);
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(w.slot()));
        await().atMost(Duration.ofSeconds(5)).until(() -> read(w.slot()).seq() >= 3);
        // The writer counts a record once it is on disk: its counter catches up with the file.
        await().atMost(Duration.ofSeconds(2)).until(() -> w.lastSeq() >= 3);
    }

    @Test
    void closeStopsTheWritesAndKeepsTheLastRecord() throws IOException {
        StorageHeartbeatWriter w = writer(tmp);
        w.writeNow();
        w.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> w.lastSeq() >= 3);
        w.setFlag(StorageFlag.STOPPING);
        w.writeNow();
        w.close();
        w.close();
        // a tick already under way when close() was called may still finish; nothing starts after it
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                .until(() -> read(w.slot()).seq() == w.lastSeq());
        assertThat(read(w.slot()).has(StorageFlag.STOPPING)).isTrue();
        assertThatThrownBy(w::writeNow).isInstanceOf(IllegalStateException.class);
    }
}
