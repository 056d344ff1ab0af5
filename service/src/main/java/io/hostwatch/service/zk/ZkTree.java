package io.hostwatch.service.zk;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.ZkPaths;
import java.util.HashSet;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates hostwatch's top-level nodes as PERSISTENT nodes with the service's ACL before anything
 * else runs, and puts that ACL back on a node that carries another one (a tree left open by an
 * unprotected run). Without it, the first writer of each parent would decide its ACL.
 */
public final class ZkTree {
    private static final Logger LOG = LoggerFactory.getLogger(ZkTree.class);
    static final List<String> PARENTS = List.of(ZkPaths.ROOT, ZkPaths.MEMBERS, ZkPaths.VERDICTS, ZkPaths.DETECTOR,
            ZkPaths.MAINTENANCE, ZkPaths.BRAKES, ZkPaths.NOVA, ZkPaths.HISTORY);

    private ZkTree() {
    }

    /** Ensures every top-level node exists, PERSISTENT, with {@code acls.service()}. */
    public static void secure(CuratorFramework client, ZkAcls acls) {
        List<ACL> wanted = acls.service();
        for (String path : PARENTS) {
            try {
                ensure(client, path, wanted);
            } catch (HostwatchException e) {
                throw e;
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new HostwatchException("cannot prepare " + path + " in ZooKeeper: " + e.getMessage(), e);
            }
        }
    }

    /** Creates {@code path} (PERSISTENT, {@code acl}) or sets {@code acl} on it when it differs. */
    static void ensure(CuratorFramework client, String path, List<ACL> acl) throws Exception {
        try {
            client.create().withMode(CreateMode.PERSISTENT).withACL(acl).forPath(path, new byte[0]);
            return;
        } catch (KeeperException.NodeExistsException exists) {
            // check its ACL below
        }
        Stat stat = new Stat();
        List<ACL> current = client.getACL().storingStatIn(stat).forPath(path);
        // A session's ephemeral node; 0 is PERSISTENT, negative values mark CONTAINER and TTL nodes.
        if (stat.getEphemeralOwner() > 0) {
            throw new HostwatchException(path + " is an ephemeral node of session 0x"
                    + Long.toHexString(stat.getEphemeralOwner()) + ": not hostwatch's; remove it");
        }
        if (!new HashSet<>(current).equals(new HashSet<>(acl))) {
            LOG.warn("{} carried ACL {}; setting hostwatch's {}", path, current, acl);
            client.setACL().withVersion(stat.getAversion()).withACL(acl).forPath(path);
        }
    }
}
