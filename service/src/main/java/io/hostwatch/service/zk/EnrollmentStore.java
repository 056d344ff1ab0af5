package io.hostwatch.service.zk;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.EnrollmentRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.ZkPaths;
import org.apache.curator.framework.CuratorFramework;
import java.util.Optional;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

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
        return enroll(id, null);
    }

    /**
     * Enrolls a host and records who did ({@code record}, the node's data; an earlier record is
     * replaced, a null one leaves the data as it is); idempotent as {@link #enroll(MemberId)}.
     *
     * @return true when the enrollment is new
     */
    public boolean enroll(MemberId id, EnrollmentRecord record) {
        try {
            boolean existed = client.checkExists().forPath(ZkPaths.member(id)) != null;
            ZkTree.ensure(client, ZkPaths.memberGroup(id.group()), acls.service());
            ZkTree.ensure(client, ZkPaths.member(id), acls.enrollment(id));
            if (record != null) {
                client.setData().forPath(ZkPaths.member(id), Json.write(record));
            }
            return !existed;
        } catch (Exception e) {
            throw VerdictStore.translate("enroll " + id, e);
        }
    }

    /**
     * Who enrolled the host, from its enrollment node; empty when it is not enrolled or its node has
     * no record (an older enrollment, or the node an unprotected agent made itself).
     */
    public Optional<EnrollmentRecord> record(MemberId id) {
        try {
            byte[] data = client.getData().forPath(ZkPaths.member(id));
            return data == null || data.length == 0 ? Optional.empty()
                    : Optional.of(Json.read(data, EnrollmentRecord.class));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (CorruptRecordException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw VerdictStore.translate("read the enrollment of " + id, e);
        }
    }

    /**
     * Keeps a decommissioning in the enrollment record of a host that is still enrolled (nothing
     * when it is not); a concurrent change of the record is not overwritten.
     */
    static void recordDecommission(CuratorFramework client, MemberId id, OperatorAction action) throws Exception {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(ZkPaths.member(id));
        } catch (KeeperException.NoNodeException e) {
            return;
        }
        EnrollmentRecord current;
        try {
            current = data == null || data.length == 0 ? null : Json.read(data, EnrollmentRecord.class);
        } catch (CorruptRecordException e) {
            current = null;
        }
        EnrollmentRecord next = current == null ? new EnrollmentRecord(id.group(), id.host(), null, null, null, action)
                : current.withDecommissioned(action);
        client.setData().withVersion(stat.getVersion()).forPath(ZkPaths.member(id), Json.write(next));
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
