package io.hostwatch.service.core;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.StorageFlag;
import java.time.Instant;
import java.util.Set;

/**
 * Everything the classifier needs to judge one member at one moment.
 *
 * @param id the member
 * @param address the member's management address
 * @param incarnation the member's start id, as last registered (may be null when never seen)
 * @param heartbeat heartbeat evidence (always present)
 * @param leaving the registration said the member was stopping gracefully when it went away
 * @param ping ping evidence, null while the probe is still in flight
 * @param storage storage evidence, null while the storage judgement is still in flight
 * @param maintenance an operator has put the member in maintenance
 * @param now the detector's wall clock at judgement time (timestamps only)
 * @param epoch the writer's leadership term
 * @param staleAfterMillis how long the storage counter may stand still before it is stale
 * @param fenceAfterMillis the member's declared self-fence deadline, null when it has none
 * @param brake the group's mass-failure brake is engaged
 * @param flaps how often the member was lost within the flap window (0 when it does not flap)
 * @param flapping the member is in flap hold-down
 * @param settling the member's loss is younger than the settle window, in which the group's brake
 *                 could still engage: a verdict that would be actionable is held ({@code SETTLING})
 */
public record Observation(
        MemberId id,
        String address,
        String incarnation,
        Evidence.Heartbeat heartbeat,
        boolean leaving,
        Evidence.Ping ping,
        Evidence.Storage storage,
        boolean maintenance,
        Instant now,
        long epoch,
        long staleAfterMillis,
        Long fenceAfterMillis,
        boolean brake,
        int flaps,
        boolean flapping,
        boolean settling) {

    /** An observation outside any settle window. */
    public Observation(MemberId id, String address, String incarnation, Evidence.Heartbeat heartbeat, boolean leaving,
                       Evidence.Ping ping, Evidence.Storage storage, boolean maintenance, Instant now, long epoch,
                       long staleAfterMillis, Long fenceAfterMillis, boolean brake, int flaps, boolean flapping) {
        this(id, address, incarnation, heartbeat, leaving, ping, storage, maintenance, now, epoch, staleAfterMillis,
                fenceAfterMillis, brake, flaps, flapping, false);
    }

    /** An observation with no self-fence deadline, no brake and no flapping. */
    public Observation(MemberId id, String address, String incarnation, Evidence.Heartbeat heartbeat, boolean leaving,
                       Evidence.Ping ping, Evidence.Storage storage, boolean maintenance, Instant now, long epoch,
                       long staleAfterMillis) {
        this(id, address, incarnation, heartbeat, leaving, ping, storage, maintenance, now, epoch, staleAfterMillis,
                null, false, 0, false, false);
    }

    /** True when the storage record read for this incarnation carries {@code flag}. */
    boolean storageHas(StorageFlag flag) {
        if (storage == null || storage.flags() == null) {
            return false;
        }
        Set<StorageFlag> flags = storage.flags();
        boolean sameIncarnation = incarnation == null || storage.incarnation() == null
                || incarnation.equals(storage.incarnation());
        return sameIncarnation && flags.contains(flag);
    }
}
