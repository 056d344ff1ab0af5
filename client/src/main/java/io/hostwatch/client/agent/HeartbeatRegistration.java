package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.ZkPaths;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network heartbeat: holds the EPHEMERAL znode {@code /hostwatch/members/{group}/{host}/heartbeat},
 * with a {@link MemberRegistration} as its data, for the client's ZooKeeper session. A Curator
 * {@link PersistentNode} keeps it there: when the session expires ZooKeeper deletes the znode, and
 * it is created again once a new session is established.
 *
 * <p>What ZooKeeper will do to you: after this host's process dies, its znode stays until the
 * session times out. A new process of the same host that starts within that time finds the old
 * znode owned by another session. {@link #start()} never takes it over (a live duplicate agent
 * would then be hidden); it waits, bounded, for ZooKeeper to expire it. While the connection is
 * SUSPENDED nothing here changes; the detector judges the znode, never this client's state.
 *
 * <p>In a protected ensemble the parent {@code /hostwatch/members/{group}/{host}} is this host's
 * enrollment, created by an operator with CREATE and DELETE for this host's identity only; the
 * heartbeat gets {@link #aclProvider(boolean) its ACL} (this identity ALL, everyone READ). Without
 * TLS the parent is created on demand like any container.
 *
 * <p>Only one agent per host may run; two agents started at once for the same host are not
 * detected after the start-up check.
 */
public final class HeartbeatRegistration implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatRegistration.class);

    private final AtomicReference<Lifecycle> state = new AtomicReference<>(Lifecycle.LATENT);
    private final CuratorFramework client;
    private final String path;
    private final Duration maxWait;
    private MemberRegistration registration;
    private PersistentNode node;

    /**
     * @param client a started client
     * @param registration the znode's data
     * @param maxWait how long {@link #start()} waits for a znode of another session to go away, and
     *        for the first creation of ours
     */
    public HeartbeatRegistration(CuratorFramework client, MemberRegistration registration, Duration maxWait) {
        this.client = client;
        this.registration = registration;
        this.path = ZkPaths.heartbeat(registration.id());
        this.maxWait = maxWait;
    }

    /**
     * Waits until no other session holds this member's znode, then creates ours and waits for it to exist.
     *
     * @throws HostwatchException when the znode is still held by another session after the maximum
     *         wait, is a persistent znode, or ours could not be created in time
     */
    public synchronized void start() {
        if (!state.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("already started");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        awaitNoForeignOwner(deadline);
        node = newNode();
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!node.waitForInitialCreate(left, TimeUnit.NANOSECONDS)) {
                closeNode();
                throw new HostwatchException("heartbeat znode " + path + " was not created within "
                        + Durations.format(maxWait));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeNode();
            throw new HostwatchException("interrupted while creating heartbeat znode " + path, e);
        }
        log.info("heartbeat znode {} registered (session 0x{})", path, Long.toHexString(sessionId()));
    }

    /**
     * Deletes the znode and stops re-creating it, while the supervised service is down. The detector
     * then sees the heartbeat LOST and finds {@code SERVICE_DOWN} in the storage record.
     */
    public synchronized void withdraw() {
        if (state.get() != Lifecycle.STARTED || node == null) {
            return;
        }
        closeNode();
        log.info("heartbeat znode {} withdrawn", path);
    }

    /** Creates the znode again after {@link #withdraw()}; the creation completes in the background. */
    public synchronized void restore() {
        if (state.get() != Lifecycle.STARTED || node != null) {
            return;
        }
        node = newNode();
        log.info("heartbeat znode {} restored", path);
    }

    /**
     * Marks the registration {@code leaving} before a graceful stop and waits, bounded by the
     * client's retry policy, until ZooKeeper has applied it. Does nothing while withdrawn.
     *
     * @return true when the znode carries {@code leaving=true}
     */
    public synchronized boolean markLeaving() {
        registration = registration.withLeaving(true);
        if (state.get() != Lifecycle.STARTED || node == null) {
            return false;
        }
        byte[] data = Json.write(registration);
        try {
            if (!node.waitForInitialCreate(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("heartbeat znode {} does not exist; cannot mark it leaving", path);
                return false;
            }
            node.setData(data);
            // One session's requests are applied in order, so this read returns after the write above.
            boolean applied = Arrays.equals(client.getData().forPath(path), data);
            if (applied) {
                log.info("heartbeat znode {} marked leaving", path);
            } else {
                log.warn("heartbeat znode {} was not marked leaving (its data differs)", path);
            }
            return applied;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("cannot mark heartbeat znode {} leaving: {}", path, e.toString());
            return false;
        }
    }

    /** True while our znode should exist (started, not withdrawn, not closed). */
    public synchronized boolean isRegistered() {
        return state.get() == Lifecycle.STARTED && node != null;
    }

    /** Deletes the znode and stops maintaining it. Idempotent. */
    @Override
    public synchronized void close() {
        if (state.getAndSet(Lifecycle.CLOSED) != Lifecycle.STARTED) {
            return;
        }
        if (node != null) {
            closeNode();
            log.info("heartbeat znode {} removed", path);
        }
    }

    /**
     * The ACLs of what the agent creates: with an identity, ALL for that identity (ZooKeeper's
     * {@code auth} scheme, i.e. the certificate's subject) and READ for everyone; without one, open.
     */
    public static ACLProvider aclProvider(boolean identified) {
        // A mutable-backed list: ZooKeeper's client asks it contains(null), which List.of() refuses.
        List<ACL> acl = identified ? Collections.unmodifiableList(new ArrayList<>(List.of(
                new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
                new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)))) : ZooDefs.Ids.OPEN_ACL_UNSAFE;
        return new ACLProvider() {
            @Override
            public List<ACL> getDefaultAcl() {
                return acl;
            }

            @Override
            public List<ACL> getAclForPath(String p) {
                return acl;
            }
        };
    }

    private PersistentNode newNode() {
        PersistentNode created = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, Json.write(registration));
        AtomicInteger creations = new AtomicInteger();
        created.getListenable().addListener(GuardedNodeListener.guard(p -> {
            if (creations.incrementAndGet() > 1) {
                log.info("heartbeat znode {} created again (session 0x{})", p, Long.toHexString(sessionId()));
            }
        }));
        created.start();
        return created;
    }

    private void closeNode() {
        PersistentNode closing = node;
        node = null;
        try {
            closing.close();
        } catch (IOException e) {
            // The delete is guaranteed: Curator keeps retrying it in the background.
            log.warn("cannot delete heartbeat znode {} now, retrying in the background: {}", path, e.toString());
        }
    }

    /** Waits, bounded, until {@link #path} does not exist or is an ephemeral of our own session. */
    private void awaitNoForeignOwner(long deadline) {
        WatcherRemoveCuratorFramework watching = client.newWatcherRemoveCuratorFramework();
        boolean logged = false;
        try {
            while (true) {
                CountDownLatch changed = new CountDownLatch(1);
                CuratorWatcher watcher = event -> changed.countDown();
                Stat stat = watching.checkExists().usingWatcher(watcher).forPath(path);
                if (stat == null) {
                    return;
                }
                long owner = stat.getEphemeralOwner();
                if (owner == 0) {
                    throw new HostwatchException("znode " + path + " exists but is not ephemeral; it was not created "
                            + "by a member agent: remove it");
                }
                if (owner == sessionId()) {
                    return;
                }
                if (!logged) {
                    log.info("heartbeat znode {} is still held by session 0x{} (a previous agent of this host?); "
                            + "waiting up to {} for ZooKeeper to expire it", path, Long.toHexString(owner),
                            Durations.format(maxWait));
                    logged = true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new HostwatchException("heartbeat znode " + path + " is still held by session 0x"
                            + Long.toHexString(owner) + " after " + Durations.format(maxWait)
                            + ": another agent for this host is running, or its session has not expired yet");
                }
                changed.await(left, TimeUnit.NANOSECONDS); // then look again
            }
        } catch (HostwatchException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostwatchException("interrupted while waiting for heartbeat znode " + path, e);
        } catch (Exception e) {
            throw new HostwatchException("cannot check heartbeat znode " + path + ": " + e.getMessage(), e);
        } finally {
            watching.removeWatchers();
        }
    }

    private long sessionId() {
        try {
            return client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            throw new HostwatchException("no ZooKeeper session: " + e.getMessage(), e);
        }
    }
}
