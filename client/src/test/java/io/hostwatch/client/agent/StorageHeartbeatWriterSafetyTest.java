package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer on a slot directory that a neighbour can write too: what is planted at the
 * temporary name or the slot is replaced, never followed, and every record is signed.
 */
@Timeout(30)
class StorageHeartbeatWriterSafetyTest {
    private static final MemberId ID = MemberId.of("compute", "victim");

    @TempDir
    Path tmp;

    private Path root;
    private Path temp;
    private Path slot;
    private Path outside;
    private ScheduledExecutorService scheduler;
    private StorageHeartbeatWriter writer;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("storage");
        slot = StorageRecordCodec.slot(root, ID);
        temp = slot.resolveSibling(".victim.hb.tmp");
        Files.createDirectories(slot.getParent());
        outside = tmp.resolve("precious.conf");
        Files.writeString(outside, "do not touch\n");
        scheduler = NamedThreads.scheduler("test-storage");
        writer = new StorageHeartbeatWriter(root, ID, UUID.randomUUID(), Duration.ofSeconds(1), scheduler,
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        writer.close();
        scheduler.shutdownNow();
    }

    @Test
    void everyRecordIsSignedByTheWritersOwnKeyForItsOwnSlot() throws IOException {
        writer.writeNow();
        writer.writeNow();
        byte[] bytes = Files.readAllBytes(slot);
        assertThat(bytes).hasSize(StorageRecordCodec.LENGTH_V2);
        assertThat(StorageRecordCodec.decode(bytes).seq()).isEqualTo(2);
        assertThat(StorageRecordCodec.verify(bytes, ID, StorageKeys.parse(writer.storageKey()))).isTrue();
        assertThat(StorageRecordCodec.verify(bytes, MemberId.of("compute", "other"),
                StorageKeys.parse(writer.storageKey()))).isFalse();
        assertThat(StorageRecordCodec.verify(bytes, ID, StorageKeys.generate().getPublic())).isFalse();
    }

    @Test
    void eachWriterHasItsOwnKey() {
        try (StorageHeartbeatWriter other = new StorageHeartbeatWriter(root, ID, UUID.randomUUID(),
                Duration.ofSeconds(1), scheduler, Clock.systemUTC())) {
            assertThat(other.storageKey()).isNotEqualTo(writer.storageKey());
        }
    }

    @Test
    void aSymlinkPlantedAtTheTemporaryNameIsRemovedAndItsTargetNeverTouched() throws IOException {
        Files.createSymbolicLink(temp, outside);
        writer.writeNow();
        assertThat(Files.readString(outside)).isEqualTo("do not touch\n");
        assertThat(Files.isRegularFile(slot, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.exists(temp, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(StorageRecordCodec.verify(Files.readAllBytes(slot), ID, StorageKeys.parse(writer.storageKey())))
                .isTrue();
    }

    @Test
    void aDanglingSymlinkAtTheTemporaryNameCreatesNothingAtItsTarget() throws IOException {
        Path target = tmp.resolve("created-by-the-writer");
        Files.createSymbolicLink(temp, target);
        writer.writeNow();
        assertThat(Files.exists(target, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.isRegularFile(slot, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aFifoPlantedAtTheTemporaryNameDoesNotBlockTheWriter() throws Exception {
        mkfifo(temp);
        writer.writeNow(); // the class timeout fails the test if the write blocked on the FIFO
        assertThat(Files.isRegularFile(slot, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.exists(temp, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aSymlinkPlantedAsTheSlotIsReplacedNotFollowed() throws IOException {
        Files.createSymbolicLink(slot, outside);
        writer.writeNow();
        assertThat(Files.readString(outside)).isEqualTo("do not touch\n");
        assertThat(Files.isRegularFile(slot, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aNeighboursFileAtTheTemporaryNameIsReplacedByTheWritersOwn() throws IOException {
        Files.writeString(temp, "planted");
        writer.writeNow();
        assertThat(Files.exists(temp, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(StorageRecordCodec.verify(Files.readAllBytes(slot), ID, StorageKeys.parse(writer.storageKey())))
                .isTrue();
    }

    @Test
    void aDirectoryAtTheTemporaryNameFailsTheWriteAndChangesNothing() throws IOException {
        writer.writeNow();
        byte[] before = Files.readAllBytes(slot);
        Files.createDirectory(temp);
        Files.writeString(temp.resolve("inside"), "x");
        assertThatThrownBy(writer::writeNow).isInstanceOf(HostwatchException.class);
        assertThat(Files.readAllBytes(slot)).isEqualTo(before);
        assertThat(Files.readString(temp.resolve("inside"))).isEqualTo("x");
    }

    @Test
    void theSlotIsCreatedWithExplicitPermissionsThatNoNeighbourCanWrite() throws IOException {
        writer.writeNow();
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(slot, LinkOption.NOFOLLOW_LINKS);
        assertThat(mode).contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)
                .doesNotContain(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE,
                        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE);
    }

    private static void mkfifo(Path path) throws Exception {
        Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("mkfifo: %s", out).isZero();
    }
}
