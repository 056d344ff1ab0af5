package io.hostwatch.acceptance.bench;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import io.hostwatch.schema.ZkPaths;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * {@code members ZK GROUP FROM COUNT OCTET STORAGE SESSION_MS}: holds {@code COUNT} members
 * (hosts {@code hFROM..}) of {@code GROUP} on ONE ZooKeeper session, each with an ephemeral
 * heartbeat znode and address {@code 127.OCTET.x.y}, and advances every member's storage slot once
 * a second (one fixed-size positional write per slot, as an agent's slot writer would). Prints
 * {@code READY} when every znode is created; runs until killed.
 */
final class MemberFleet {
    private MemberFleet() {
    }

    static String host(int i) {
        return String.format("h%05d", i);
    }

    static String address(int octet, int i) {
        return "127." + octet + "." + (i / 250) + "." + (i % 250 + 1);
    }

    static void run(String[] a) throws Exception {
        String zk = a[1];
        String group = a[2];
        int from = Integer.parseInt(a[3]);
        int count = Integer.parseInt(a[4]);
        int octet = Integer.parseInt(a[5]);
        Path storage = Path.of(a[6]);
        int sessionMs = Integer.parseInt(a[7]);
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(zk).sessionTimeoutMs(sessionMs)
                .connectionTimeoutMs(5000).retryPolicy(new RetryNTimes(10, 200)).build();
        client.start();
        client.blockUntilConnected(30, TimeUnit.SECONDS);
        try {
            client.create().creatingParentContainersIfNeeded().forPath(ZkPaths.memberGroup(group));
        } catch (KeeperException.NodeExistsException fine) {
            // another fleet made it
        }
        Files.createDirectories(storage.resolve(group));
        List<Path> slots = new ArrayList<>(count);
        List<UUID> incarnations = new ArrayList<>(count);
        CountDownLatch created = new CountDownLatch(count);
        AtomicInteger failed = new AtomicInteger();
        for (int i = from; i < from + count; i++) {
            MemberId id = MemberId.of(group, host(i));
            UUID inc = UUID.randomUUID();
            incarnations.add(inc);
            slots.add(StorageRecordCodec.slot(storage, id));
            MemberRegistration reg = new MemberRegistration(group, id.host(), address(octet, i - from),
                    inc.toString(), Instant.now(), false, 1000, "bench");
            client.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).inBackground((c, e) -> {
                if (e.getResultCode() != 0) {
                    failed.incrementAndGet();
                }
                created.countDown();
            }).forPath(ZkPaths.heartbeat(id), Json.write(reg));
        }
        long[] seq = new long[count];
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        writer.scheduleAtFixedRate(() -> {
            for (int i = 0; i < count; i++) {
                seq[i]++;
                try (FileChannel ch = FileChannel.open(slots.get(i), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(StorageRecordCodec.encode(new StorageRecord(seq[i], incarnations.get(i),
                            Set.of(), 1000, System.currentTimeMillis()))), 0);
                } catch (Exception e) {
                    // a slot write failing is what a dying host does; keep going
                }
            }
        }, 0, 1, TimeUnit.SECONDS);
        created.await(120, TimeUnit.SECONDS);
        System.out.println("READY " + (count - failed.get()));
        System.out.flush();
        Thread.currentThread().join();
    }
}
