package io.hostwatch.service.fencing;

import io.hostwatch.schema.SignalStatus;

/**
 * One host's out-of-band power management: its BMC, reached over the management network and not
 * through the host. Every call is blocking with a bounded time-out and throws
 * {@link BmcException} when the BMC does not answer, refuses, or answers something that cannot
 * be read: a caller never guesses a power state. Implementations are safe from any thread.
 */
public interface PowerManagement {
    /** {@code ipmi-lanplus} or {@code redfish}. */
    String method();

    /** The BMC's address as configured, for records and logs (never a credential). */
    String target();

    /** The power state the BMC reports now. */
    Reading status();

    /** Asks the BMC to cut the power at once (no graceful shutdown). Returns its answer. */
    String powerOff();

    /** Asks the BMC to switch the power on (an operator's decision only). Returns its answer. */
    String powerOn();

    /**
     * A power state as the BMC gave it.
     *
     * @param power {@code ON} or {@code OFF}: only a clear answer is a reading
     * @param answer the BMC's words, e.g. {@code Chassis Power is off}
     */
    record Reading(SignalStatus.Power power, String answer) {
        public Reading {
            if (power == SignalStatus.Power.UNKNOWN) {
                throw new IllegalArgumentException("a reading is ON or OFF; no answer is a BmcException");
            }
        }
    }
}
