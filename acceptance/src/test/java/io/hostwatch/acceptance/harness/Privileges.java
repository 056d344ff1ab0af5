package io.hostwatch.acceptance.harness;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Tests that need root (nftables rules, network namespaces) skip with a clear message elsewhere,
 * but fail under {@code CI=true}: a skipped proof is no proof.
 */
public final class Privileges {
    private Privileges() {
    }

    /** Requires root and each of {@code tools} on the PATH. */
    public static void requireRootWith(String... tools) {
        String missing = null;
        if (!isRoot()) {
            missing = "root (this test changes network state)";
        } else {
            for (String tool : tools) {
                if (!onPath(tool)) {
                    missing = "'" + tool + "' on the PATH (install it: see README)";
                    break;
                }
            }
        }
        if (missing == null) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("this test needs " + missing + ", and CI=true: refusing to skip a proof");
        }
        assumeTrue(false, "skipped: this test needs " + missing);
    }

    /** Requires a file that a Debian package installs (skips elsewhere, fails under CI=true). */
    public static void requireFile(String path, String debianPackage) {
        if (new java.io.File(path).exists()) {
            return;
        }
        String missing = path + " (Debian package " + debianPackage + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("this test needs " + missing + ", and CI=true: refusing to skip a proof");
        }
        assumeTrue(false, "skipped: this test needs " + missing);
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || uid() == 0;
    }

    private static long uid() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (new java.io.File(dir, tool).canExecute()) {
                return true;
            }
        }
        return new java.io.File("/usr/sbin/" + tool).canExecute() || new java.io.File("/sbin/" + tool).canExecute();
    }
}
