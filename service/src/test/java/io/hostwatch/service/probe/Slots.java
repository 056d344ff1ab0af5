package io.hostwatch.service.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageFlag;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Real slot files under a storage root, with the registrations a test says the members made. */
final class Slots {
    final Path root;
    private final Map<MemberId, MemberRegistration> registered = new ConcurrentHashMap<>();

    Slots(Path root) {
        this.root = root;
    }

    /** The lookup the observer gets: what ZooKeeper currently holds. */
    Optional<MemberRegistration> registration(MemberId id) {
        return Optional.ofNullable(registered.get(id));
    }

    /** The member registers this incarnation with this key (null: an agent that signs nothing). */
    void register(MemberId id, UUID incarnation, KeyPair key) {
        registered.put(id, new MemberRegistration(id.group(), id.host(), "192.0.2.10", incarnation.toString(),
                Instant.parse("2026-11-24T12:00:00Z"), false, 1000, "test", null,
                key == null ? null : StorageKeys.encode(key.getPublic())));
    }

    /** The member's heartbeat znode is gone (its registration is no longer in ZooKeeper). */
    void unregister(MemberId id) {
        registered.remove(id);
    }

    Path slot(MemberId id) {
        return StorageRecordCodec.slot(root, id);
    }

    static byte[] signed(MemberId id, long seq, UUID incarnation, Set<StorageFlag> flags, KeyPair key) {
        return StorageRecordCodec.encodeSigned(new StorageRecord(seq, incarnation, flags, 1000,
                Instant.parse("2026-11-24T12:00:00Z").toEpochMilli() + seq * 1000), id, key.getPrivate());
    }

    static byte[] unsigned(long seq, UUID incarnation, Set<StorageFlag> flags) {
        return StorageRecordCodec.encode(new StorageRecord(seq, incarnation, flags, 1000,
                Instant.parse("2026-11-24T12:00:00Z").toEpochMilli() + seq * 1000));
    }

    /** Writes a signed record the way the agent does (temporary file, rename). */
    byte[] write(MemberId id, long seq, UUID incarnation, Set<StorageFlag> flags, KeyPair key) {
        return put(id, signed(id, seq, incarnation, flags, key));
    }

    /** Replaces the slot with exactly these bytes, as anyone who can write the directory can. */
    byte[] put(MemberId id, byte[] bytes) {
        Path slot = slot(id);
        try {
            Files.createDirectories(slot.getParent());
            Path temp = slot.resolveSibling("." + UUID.randomUUID() + ".tmp");
            Files.write(temp, bytes);
            Files.move(temp, slot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mkfifo(Path path) {
        try {
            Files.createDirectories(path.getParent());
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("mkfifo: %s", out).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
