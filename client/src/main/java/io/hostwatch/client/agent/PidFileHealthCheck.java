package io.hostwatch.client.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** {@link HealthCheck#pidFile(Path)}: the process named by a pid file is alive. */
final class PidFileHealthCheck implements HealthCheck {
    /** A pid file holds one number; anything longer is not a pid file. */
    private static final int MAX_BYTES = 64;

    private final Path pidFile;

    PidFileHealthCheck(Path pidFile) {
        this.pidFile = pidFile;
    }

    @Override
    public Optional<String> check() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pidFile);
        } catch (NoSuchFileException e) {
            return Optional.of("pid file " + pidFile + " does not exist");
        } catch (IOException e) {
            return Optional.of("cannot read pid file " + pidFile + ": " + e.getMessage());
        }
        String text = new String(bytes, 0, Math.min(bytes.length, MAX_BYTES), StandardCharsets.US_ASCII).strip();
        long pid;
        try {
            pid = bytes.length > MAX_BYTES ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            pid = -1;
        }
        if (pid <= 0) {
            return Optional.of("pid file " + pidFile + " does not hold a process id");
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return alive ? Optional.empty() : Optional.of("process " + pid + " from " + pidFile + " is not running");
    }

    @Override
    public String toString() {
        return "pid file " + pidFile;
    }
}
