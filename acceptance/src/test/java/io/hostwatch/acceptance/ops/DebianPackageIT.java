package io.hostwatch.acceptance.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostwatch.acceptance.harness.ChildJvm;
import io.hostwatch.acceptance.harness.Privileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/debian/build.sh} builds a Debian package from the jars of this build, and dpkg
 * installs it for real, into an empty root of its own ({@code dpkg --root} with the maintainer
 * scripts run outside a chroot, as {@code DPKG_ROOT} installations do): the jars, the command, both
 * units and the examples land where the units and docs/operations.md expect them, the postinst
 * creates the {@code hostwatch} system user (systemd-sysusers), the installed jar runs, and
 * {@code dpkg -r} removes it all again. This machine's own dpkg database is never touched.
 */
@Timeout(180)
class DebianPackageIT {
    private static final Path TOP = Path.of("..").toAbsolutePath().normalize();
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    @TempDir
    Path work;

    private record Run(int exit, String output) {
    }

    private static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(TOP.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", PATH);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), out);
    }

    private static Run ok(String... command) throws IOException, InterruptedException {
        Run r = run(Map.of(), command);
        assertThat(r.exit()).as("%s:\n%s", String.join(" ", command), r.output()).isZero();
        return r;
    }

    private static void requireTools(String... tools) {
        for (String tool : tools) {
            if (Privileges.onPath(tool)) {
                continue;
            }
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("this test needs '" + tool + "', and CI=true: refusing to skip a proof");
            }
            assumeTrue(false, "skipped: this test needs '" + tool + "'");
        }
    }

    @Test
    void thePackageBuildsInstallsIntoARootCreatesItsUserAndRemovesCleanly() throws Exception {
        requireTools("dpkg", "dpkg-deb", "systemd-sysusers");
        Path clientJar = ChildJvm.jar("hostwatch.clientJar");
        Path serviceJar = ChildJvm.jar("hostwatch.serviceJar");
        Path out = work.resolve("out");
        Run build = run(Map.of("CLIENT_JAR", clientJar.toString(), "SERVICE_JAR", serviceJar.toString()),
                "bash", "deploy/debian/build.sh", out.toString());
        assertThat(build.exit()).as("build.sh:\n%s", build.output()).isZero();
        Path deb = Path.of(build.output().trim().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(deb.getFileName().toString()).matches("hostwatch_[0-9][A-Za-z0-9.+~]*_all\\.deb");
        assertThat(deb).isRegularFile();

        String info = ok("dpkg-deb", "--field", deb.toString(), "Package", "Architecture", "Depends").output();
        assertThat(info).contains("Package: hostwatch", "Architecture: all", "default-jre-headless");

        // An empty root with a dpkg database of its own.
        Path root = work.resolve("root");
        for (String dir : List.of("etc", "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/log")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.createFile(root.resolve("var/lib/dpkg/status"));
        List<String> dpkg = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
                "--force-not-root", "--log=" + work.resolve("dpkg.log")));

        List<String> install = new ArrayList<>(dpkg);
        install.addAll(List.of("--force-depends", "-i", deb.toString()));
        ok(install.toArray(String[]::new));
        assertThat(ok("dpkg", "--root=" + root, "-s", "hostwatch").output()).contains("Status: install ok installed");

        assertThat(Files.mismatch(root.resolve("usr/share/hostwatch/hostwatch.jar"), clientJar)).isEqualTo(-1L);
        assertThat(Files.mismatch(root.resolve("usr/share/hostwatch/hostwatch-service.jar"), serviceJar)).isEqualTo(-1L);
        for (String unit : List.of("hostwatch-service.service", "hostwatch-agent.service")) {
            assertThat(Files.mismatch(root.resolve("lib/systemd/system/" + unit), TOP.resolve("deploy/systemd/" + unit)))
                    .as(unit).isEqualTo(-1L);
            // the paths the unit runs must be the ones the package installs
            String text = Files.readString(root.resolve("lib/systemd/system/" + unit));
            assertThat(text).contains("/usr/share/hostwatch/" + (unit.startsWith("hostwatch-service")
                    ? "hostwatch-service.jar" : "hostwatch.jar"));
        }
        assertThat(root.resolve("usr/bin/hostwatch")).isExecutable();
        assertThat(Files.readString(root.resolve("usr/bin/hostwatch"))).contains("/usr/share/hostwatch/hostwatch.jar");
        for (String example : List.of("service.yml", "agent.conf", "zoo.cfg", "inventory", "hostwatch-alerts.yml")) {
            assertThat(root.resolve("usr/share/doc/hostwatch/examples/" + example)).isRegularFile();
        }
        assertThat(root.resolve("etc/hostwatch")).as("nothing in /etc: the operator writes the configuration")
                .doesNotExist();
        assertThat(Files.readString(root.resolve("etc/passwd"))).as("the postinst created the system user")
                .containsPattern("(?m)^hostwatch:x:\\d+:\\d+:[^:]*:/var/lib/hostwatch:/usr/sbin/nologin$");
        assertThat(Files.readString(root.resolve("etc/group"))).containsPattern("(?m)^hostwatch:x:\\d+:");

        Run version = ok(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                root.resolve("usr/share/hostwatch/hostwatch.jar").toString(), "--version");
        assertThat(version.output()).startsWith("hostwatch ");

        List<String> remove = new ArrayList<>(dpkg);
        remove.addAll(List.of("-r", "hostwatch"));
        ok(remove.toArray(String[]::new));
        assertThat(root.resolve("usr/share/hostwatch/hostwatch.jar")).doesNotExist();
        assertThat(root.resolve("lib/systemd/system/hostwatch-agent.service")).doesNotExist();
        assertThat(root.resolve("usr/bin/hostwatch")).doesNotExist();
    }
}
