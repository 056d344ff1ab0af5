package io.hostwatch.service.nova;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Whether this service instance is the detector leader, and with which epoch. Safe from any thread. */
public interface Leadership {
    boolean isLeader();

    /** The epoch this instance holds while it leads. */
    long epoch();

    /**
     * Asks to be told (through {@code changed}, which must not block) whenever leadership or the
     * epoch changes; false when this source cannot tell, and must be polled instead.
     */
    default boolean subscribe(Runnable changed) {
        return false;
    }

    /** A leadership that tells {@code subscriber}'s callbacks about every change (no polling needed). */
    static Leadership of(BooleanSupplier leader, LongSupplier epoch, java.util.function.Consumer<Runnable> subscriber) {
        Leadership polled = of(leader, epoch);
        return new Leadership() {
            @Override
            public boolean isLeader() {
                return polled.isLeader();
            }

            @Override
            public long epoch() {
                return polled.epoch();
            }

            @Override
            public boolean subscribe(Runnable changed) {
                subscriber.accept(changed);
                return true;
            }
        };
    }

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
