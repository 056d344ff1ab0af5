package io.hostwatch.acceptance.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command and fails loudly when it fails. */
public final class Sh {
    private Sh() {
    }

    /** Runs {@code cmd}; returns its output; throws when it exits non-zero (unless {@code check} is false). */
    public static String run(boolean check, String... cmd) {
        List<String> argv = new ArrayList<>(List.of(cmd));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", argv));
            }
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String run(String... cmd) {
        return run(true, cmd);
    }
}
