package io.hostwatch.service.nova;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Whether this service instance is the detector leader, and with which epoch. Safe from any thread. */
public interface Leadership {
    boolean isLeader();

    /** The epoch this instance holds while it leads. */
    long epoch();

    static Leadership of(BooleanSupplier leader, LongSupplier epoch) {
        return new Leadership() {
            @Override
            public boolean isLeader() {
                return leader.getAsBoolean();
            }

            @Override
            public long epoch() {
                return epoch.getAsLong();
            }
        };
    }
}
