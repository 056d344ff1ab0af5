package io.hostwatch.schema;

import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * One storage heartbeat: what a member agent writes to its slot every {@code storage.interval}.
 * Encoded by {@link StorageRecordCodec}.
 *
 * @param seq sequence counter; advances with every write of one incarnation
 * @param incarnation the agent's start id
 * @param flags {@link StorageFlag}s
 * @param intervalMillis the agent's write interval
 * @param wallTimeMillis the member's wall clock at write time: for display only, never judged
 */
public record StorageRecord(long seq, UUID incarnation, Set<StorageFlag> flags, int intervalMillis,
                            long wallTimeMillis) {
    public StorageRecord {
        flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
    }

    public boolean has(StorageFlag flag) {
        return flags.contains(flag);
    }
}
