package io.hostwatch.service.testing;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import io.hostwatch.schema.ZkPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;

/**
 * A compute host as the detector sees it, without the agent process: an ephemeral registration on
 * its own ZooKeeper session (the network heartbeat) and a storage slot whose counter advances
 * every 200 ms (the storage heartbeat). {@link #powerOff()} stops both at once, like a power loss.
 */
public final class FakeMember implements AutoCloseable {
    private static final int INTERVAL_MILLIS = 200;

    public final MemberId id;
    public final UUID incarnation = UUID.randomUUID();
    private final CuratorFramework client;
    private final Path slot;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    private long seq;

    public FakeMember(String connectString, Path storageRoot, MemberId id, String address) throws Exception {
        this.id = id;
        this.slot = StorageRecordCodec.slot(storageRoot, id);
        Files.createDirectories(slot.getParent());
        writeSlot();
        writer.scheduleWithFixedDelay(this::writeSlot, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        client = CuratorFrameworkFactory.builder().connectString(connectString).sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000).retryPolicy(new RetryOneTime(100)).build();
        client.start();
        MemberRegistration reg = new MemberRegistration(id.group(), id.host(), address, incarnation.toString(),
                Instant.now(), false, INTERVAL_MILLIS, "test");
        client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.heartbeat(id), Json.write(reg));
    }

    private synchronized void writeSlot() {
        try {
            Path temp = slot.resolveSibling(slot.getFileName() + ".tmp");
            Files.write(temp, StorageRecordCodec.encode(new StorageRecord(++seq, incarnation, Set.of(),
                    INTERVAL_MILLIS, System.currentTimeMillis())));
            Files.move(temp, slot, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The host loses power: its storage counter stops and its ZooKeeper session is closed, so the
     * heartbeat goes at once (the session timeout is long only so that a loaded machine does not
     * expire it while the member is meant to be up: its znode is not re-created).
     */
    public void powerOff() {
        writer.shutdownNow();
        client.close();
    }

    @Override
    public void close() {
        powerOff();
    }
}
