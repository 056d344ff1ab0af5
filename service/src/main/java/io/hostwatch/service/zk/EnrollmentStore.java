package io.hostwatch.service.zk;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.ZkPaths;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Enrollment: an operator's decision that a host belongs to a group. It creates the PERSISTENT node
 * {@code /hostwatch/members/{group}/{host}} whose ACL lets that host's identity, and only it,
 * create and delete children there (its EPHEMERAL heartbeat). ZooKeeper cannot restrict which child
 * name a client with CREATE on a node creates, so each host gets a node of its own; a host that is
 * not enrolled cannot register at all.
 */
public final class EnrollmentStore {
    private final CuratorFramework client;
    private final ZkAcls acls;

    public EnrollmentStore(CuratorFramework client, ZkAcls acls) {
        this.client = client;
        this.acls = acls;
    }

    /** The identity the enrollment grants, as the ACL names it ({@code null} without TLS). */
    public String identity(MemberId id) {
        return acls.isProtected() ? acls.hostIdentity(id.host()) : null;
    }

    /**
     * Enrolls a host; idempotent (an existing enrollment gets the expected ACL again).
     *
     * @return true when the enrollment is new
     */
    public boolean enroll(MemberId id) {
        try {
            boolean existed = client.checkExists().forPath(ZkPaths.member(id)) != null;
            ZkTree.ensure(client, ZkPaths.memberGroup(id.group()), acls.service());
            ZkTree.ensure(client, ZkPaths.member(id), acls.enrollment(id));
            return !existed;
        } catch (Exception e) {
            throw VerdictStore.translate("enroll " + id, e);
        }
    }

    /** Removes a host's enrollment and its heartbeat; returns false when it was not enrolled. */
    public boolean unenroll(MemberId id) {
        try {
            client.delete().deletingChildrenIfNeeded().forPath(ZkPaths.member(id));
            return true;
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw VerdictStore.translate("remove the enrollment of " + id, e);
        }
    }

    public boolean isEnrolled(MemberId id) {
        try {
            return client.checkExists().forPath(ZkPaths.member(id)) != null;
        } catch (Exception e) {
            throw VerdictStore.translate("read the enrollment of " + id, e);
        }
    }
}
