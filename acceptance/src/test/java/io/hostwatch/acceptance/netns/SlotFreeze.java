package io.hostwatch.acceptance.netns;

import io.hostwatch.acceptance.harness.Privileges;
import io.hostwatch.acceptance.harness.Sh;
import java.io.Closeable;
import java.nio.file.Path;

/**
 * A storage write failure for one member: its slot file can still be read by everyone, but the
 * member can no longer replace it, while its network stays fine.
 *
 * <p>Where the file system supports it (ext4, xfs, btrfs) the slot gets the immutable attribute
 * ({@code chattr +i}): even root cannot rename over it, so the agent's write-to-temp-then-rename
 * fails with "Operation not permitted". Elsewhere (overlayfs, tmpfs on older kernels) the slot
 * becomes a read-only bind mount of itself inside the agent's own mount namespace
 * ({@code nsenter --mount}), where the rename fails with "Device or resource busy"; the detector,
 * in the root mount namespace, reads the file as before.
 */
public final class SlotFreeze implements Closeable {
    private final Path slot;
    private final long agentPid;
    private final boolean immutable;
    private boolean thawed;

    private SlotFreeze(Path slot, long agentPid, boolean immutable) {
        this.slot = slot;
        this.agentPid = agentPid;
        this.immutable = immutable;
    }

    /**
     * Makes {@code slot} unwritable for the agent process {@code agentPid}: immutable where
     * possible, else (or with {@code -Dhostwatch.slotFreeze=mount}) a read-only bind mount.
     */
    public static SlotFreeze freeze(Path slot, long agentPid) {
        String file = slot.toAbsolutePath().toString();
        String why = "forced by -Dhostwatch.slotFreeze=mount";
        if (!"mount".equals(System.getProperty("hostwatch.slotFreeze"))) {
            why = "chattr not installed";
            if (Privileges.onPath("chattr") && Privileges.onPath("lsattr")) {
                why = Sh.run(false, "chattr", "+i", file).trim();
                if (Sh.run(false, "lsattr", "-d", file).split("\\s+")[0].contains("i")) {
                    return new SlotFreeze(slot, agentPid, true);
                }
            }
        }
        String pid = Long.toString(agentPid);
        Sh.run("nsenter", "--target", pid, "--mount", "--", "mount", "--bind", file, file);
        Sh.run("nsenter", "--target", pid, "--mount", "--", "mount", "-o", "remount,bind,ro", file);
        System.out.println("slot " + file + ": read-only bind mount in the agent's mount namespace (no chattr +i: "
                + why + ")");
        return new SlotFreeze(slot, agentPid, false);
    }

    /** How the slot was made unwritable, for reports. */
    public String mechanism() {
        return immutable ? "`chattr +i` on the victim's slot" : "a read-only bind mount of the victim's slot in the agent's mount namespace";
    }

    /** Makes the slot writable again (idempotent). */
    @Override
    public void close() {
        if (thawed) {
            return;
        }
        thawed = true;
        String file = slot.toAbsolutePath().toString();
        if (immutable) {
            Sh.run(false, "chattr", "-i", file);
        } else if (ProcessHandle.of(agentPid).map(ProcessHandle::isAlive).orElse(false)) {
            Sh.run(false, "nsenter", "--target", Long.toString(agentPid), "--mount", "--", "umount", file);
        }
    }

    /** Clears the immutable attribute of everything under {@code dir} (a stale run's leftovers). */
    public static void unfreezeAll(Path dir) {
        if (dir.toFile().exists() && Privileges.onPath("chattr")) {
            Sh.run(false, "chattr", "-R", "-i", dir.toAbsolutePath().toString());
        }
    }
}
