package io.hostwatch.schema;

/** Flags a member agent sets in its storage heartbeat record. Bit positions are part of the format. */
public enum StorageFlag {
    /** The agent is stopping gracefully. */
    STOPPING(0),
    /** The agent is alive but its supervised service failed its health check. */
    SERVICE_DOWN(1),
    /** The agent has detected its own network isolation. */
    ISOLATED(2),
    /** The agent ran its isolation response successfully: its workloads are stopped. */
    FENCED(3);

    private final int bit;

    StorageFlag(int bit) {
        this.bit = bit;
    }

    public int mask() {
        return 1 << bit;
    }
}
