package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.ZkPaths;
import java.time.Instant;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Operator writes that any service instance may make: maintenance marks and brake releases, each
 * recording the operator's call ({@link OperatorAction}: who, which request, when).
 * They are not epoch-guarded (they are an operator's word, not a detector's judgement); the
 * leader sees them through its cache and re-judges the members concerned.
 */
public final class OperatorStore {
    private final CuratorFramework client;

    public OperatorStore(CuratorFramework client) {
        this(client, BrakeSeal.unsealed());
    }

    /** {@code seal} seals every brake release, so the leader can tell it from a rewrite by anyone else. */
    public OperatorStore(CuratorFramework client, BrakeSeal seal) {
        this.client = client;
        this.seal = seal;
    }

    private final BrakeSeal seal;

    public void setMaintenance(Maintenance m) {
        MemberId id = new MemberId(m.group(), m.host());
        byte[] data = Json.write(m);
        try {
            client.create().orSetData().creatingParentContainersIfNeeded().forPath(ZkPaths.maintenance(id), data);
        } catch (Exception e) {
            throw VerdictStore.translate("set maintenance of " + id, e);
        }
    }

    /**
     * Ends a member's maintenance by an operator's call: the record stays, with {@code ended} and
     * {@code expiresAt} set to the call, so the leader sees who ended it (and the transition it
     * causes records it). Returns false when there is none or it was ended already; a record
     * changed at the same moment by another call is not overwritten (an error).
     */
    public boolean endMaintenance(MemberId id, OperatorAction action) {
        String path = ZkPaths.maintenance(id);
        try {
            Stat stat = new Stat();
            Maintenance current = Json.read(client.getData().storingStatIn(stat).forPath(path), Maintenance.class);
            if (current.ended() != null) {
                return false;
            }
            client.setData().withVersion(stat.getVersion()).forPath(path, Json.write(current.endedBy(action)));
            return true;
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw VerdictStore.translate("end the maintenance of " + id, e);
        }
    }

    /** Removes a member's maintenance record; returns false when there was none. */
    public boolean clearMaintenance(MemberId id) {
        try {
            client.delete().forPath(ZkPaths.maintenance(id));
            return true;
        } catch (KeeperException.NoNodeException e) {
            return false;
        } catch (Exception e) {
            throw VerdictStore.translate("clear maintenance of " + id, e);
        }
    }

    /** What {@link #forget} did. */
    public enum Forget { FORGOTTEN, HEARTBEAT_PRESENT, UNKNOWN }

    /**
     * Decommissions a member: deletes its verdict, its history and its maintenance mark, so that
     * no instance probes it or reads its slot again. Refused while its heartbeat znode exists.
     */
    public Forget forget(MemberId id) {
        return forget(id, null);
    }

    /**
     * {@link #forget(MemberId)} by an operator's call, which the member's enrollment record keeps
     * ({@code decommissioned}) while the host stays enrolled.
     */
    public Forget forget(MemberId id, OperatorAction action) {
        try {
            if (client.checkExists().forPath(ZkPaths.heartbeat(id)) != null) {
                return Forget.HEARTBEAT_PRESENT;
            }
            boolean any = false;
            for (String path : List.of(ZkPaths.verdict(id), ZkPaths.history(id), ZkPaths.maintenance(id))) {
                try {
                    client.delete().deletingChildrenIfNeeded().forPath(path);
                    any = true;
                } catch (KeeperException.NoNodeException none) {
                    // nothing there
                }
            }
            if (any && action != null) {
                EnrollmentStore.recordDecommission(client, id, action);
            }
            return any ? Forget.FORGOTTEN : Forget.UNKNOWN;
        } catch (Exception e) {
            throw VerdictStore.translate("forget " + id, e);
        }
    }

    /** Releases an engaged brake; returns the released record, or null when none was engaged. */
    public BrakeRecord releaseBrake(BrakeRecord current, Instant now) {
        return releaseBrake(current, now, null);
    }

    /** Releases an engaged brake on behalf of {@code by} (recorded in the record); null when none was engaged. */
    public BrakeRecord releaseBrake(BrakeRecord current, Instant now, String by) {
        return releaseBrake(current, new OperatorAction(OperatorAction.BRAKE_RELEASE, by, null, now));
    }

    /** Releases an engaged brake by an operator's call (recorded in the record); null when none was engaged. */
    public BrakeRecord releaseBrake(BrakeRecord current, OperatorAction action) {
        if (current == null || !current.engaged()) {
            return null;
        }
        String by = action.by() == null ? "an operator" : action.by();
        BrakeRecord released = seal.seal(new BrakeRecord(current.group(), false, current.engagedAt(), current.lost(),
                current.members(), "released by " + by, action.at(), by, null, action.requestId()));
        try {
            // create-or-set: a brake the leader engaged but could not record is released the same way
            client.create().orSetData().creatingParentContainersIfNeeded().forPath(ZkPaths.brake(current.group()),
                    Json.write(released));
            return released;
        } catch (Exception e) {
            throw VerdictStore.translate("release the brake of " + current.group(), e);
        }
    }
}
