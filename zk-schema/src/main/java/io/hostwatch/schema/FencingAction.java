package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Out-of-band fencing of one member: what the detector leader asked of the host's BMC, stored at
 * {@link ZkPaths#fencing(MemberId)}. Like {@link NovaAction} it is written <em>before</em> each
 * attempt (the intent, {@link Status#PENDING}) and again <em>after</em> it (the outcome), in a
 * multi-op guarded by the leader's epoch, so a new leader finishes what an old one started and
 * never powers a host off twice for one incarnation: an attempt always asks the power state first
 * and sends a power-off only while the BMC says the power is on.
 *
 * @param group service group
 * @param host hostwatch host name
 * @param incarnation the member incarnation the fencing is for
 * @param method how the BMC is reached: {@code ipmi-lanplus} or {@code redfish}
 * @param bmc the BMC's address as configured (never a credential)
 * @param status where the fencing stands
 * @param verdict the verdict state that asked for it
 * @param power the last power state the BMC reported ({@code UNKNOWN} when it did not answer)
 * @param answer the BMC's last answer, as it gave it
 * @param action what was sent: {@code FORCE_OFF}, or {@code NONE} while nothing had to be sent
 * @param powerOffSent how many power-off commands this record's attempts sent (a second one is sent
 *                     only if the BMC still said "on" after the first)
 * @param alreadyOff the BMC said the power was off before hostwatch sent anything
 * @param attempts attempts so far
 * @param lastError why the last attempt did not confirm power off
 * @param requestedAt when the intent was recorded
 * @param lastAttemptAt when the last attempt ended
 * @param nextAttemptAt when the next attempt is due, while pending after a failure
 * @param confirmedAt when the BMC confirmed power off
 * @param epoch leadership term of the detector that wrote this record (fencing token)
 * @param updatedAt when this record was written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FencingAction(
        String group,
        String host,
        String incarnation,
        String method,
        String bmc,
        Status status,
        State verdict,
        SignalStatus.Power power,
        String answer,
        String action,
        int powerOffSent,
        boolean alreadyOff,
        int attempts,
        String lastError,
        Instant requestedAt,
        Instant lastAttemptAt,
        Instant nextAttemptAt,
        Instant confirmedAt,
        long epoch,
        Instant updatedAt) {

    /** Where the fencing of an incarnation stands. A member without a record was never fenced. */
    public enum Status {
        /** Recorded; an attempt is due, in flight, or waiting to be retried after a failure. */
        PENDING,
        /** The BMC confirmed the power is off. Never attempted again for the same incarnation. */
        CONFIRMED
    }

    public MemberId id() {
        return new MemberId(group, host);
    }

    /** True when this record confirms the power off for {@code forIncarnation}. */
    public boolean confirmsOff(String forIncarnation) {
        return status == Status.CONFIRMED && incarnation != null && incarnation.equals(forIncarnation);
    }
}
