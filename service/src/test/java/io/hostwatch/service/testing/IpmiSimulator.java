package io.hostwatch.service.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real BMC for tests: OpenIPMI's {@code ipmi_sim} serving IPMI 2.0 over LAN (RMCP+) on
 * 127.0.0.1 at a free UDP port, with one user, configured in a directory of the test's own (lan
 * config, emulator commands, state directory). Its {@code chassis_control} program is a script
 * written here: it logs every call ({@link #calls()}), keeps the power state in a file
 * ({@code power}: 1 or 0) and, on a power-off, runs {@code onPowerOff} (a shell command: for a
 * namespace host, link down and every process in the namespace killed).
 *
 * <p>Public for the acceptance module, which gets it from this module's test-jar.
 */
public final class IpmiSimulator implements AutoCloseable {
    public static final String USER = "fence";
    public static final String PASSWORD = "bmc-s3cret";

    private final Path dir;
    private final int port;
    private final Process process;

    private IpmiSimulator(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** True when {@code ipmi_sim} and {@code ipmitool} are installed. */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/ipmi_sim")) && Files.isExecutable(Path.of("/usr/bin/ipmitool"));
    }

    /** A free UDP port on 127.0.0.1 (nothing listens on it once this returns): {@link FreePorts#next()}. */
    public static int freeUdpPort() {
        return FreePorts.next();
    }

    /** Starts a simulator in {@code dir} (created), power on, and waits until it answers. */
    public static IpmiSimulator start(Path dir, String onPowerOff) {
        try {
            Files.createDirectories(dir.resolve("state"));
            Files.writeString(dir.resolve("power"), "1\n");
            Files.deleteIfExists(dir.resolve("calls.log"));
            Files.writeString(dir.resolve("password"), PASSWORD);
            Path script = dir.resolve("chassis-control.sh");
            Files.writeString(script, """
                    #!/bin/sh
                    # chassis_control of ipmi_sim: <device> get|set <parm> [value] ...
                    dir='%s'
                    echo "$*" >> "$dir/calls.log"
                    echo "$(date +%%s%%3N) $*" >> "$dir/calls-timed.log"
                    op=$2; shift 2
                    case "$op" in
                      get)
                        for p in "$@"; do
                          case "$p" in
                            power) echo "power:$(cat "$dir/power")" ;;
                            boot) echo "boot:default" ;;
                          esac
                        done ;;
                      set)
                        while [ -n "$1" ]; do
                          p=$1; v=$2; shift 2
                          if [ "$p" = power ]; then
                            if [ "$v" = 0 ]; then
                              %s
                            fi
                            echo "$v" > "$dir/power"
                          fi
                        done ;;
                      *) exit 1 ;;
                    esac
                    exit 0
                    """.formatted(dir, onPowerOff == null ? ":" : onPowerOff));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            int port = freeUdpPort();
            Files.writeString(dir.resolve("lan.conf"), """
                    name "hostwatch-test-bmc"
                    set_working_mc 0x20
                      startlan 1
                        addr 127.0.0.1 %d
                        priv_limit admin
                        allowed_auths_callback none
                        allowed_auths_user md5
                        allowed_auths_operator md5
                        allowed_auths_admin md5
                        guid a123456789abcdefa123456789abcdef
                      endlan
                      chassis_control "%s 0x20"
                      user 2 true "%s" "%s" admin 10 md5
                    """.formatted(port, script, USER, PASSWORD));
            Files.writeString(dir.resolve("bmc.emu"), """
                    mc_setbmc 0x20
                    mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
                    mc_enable 0x20
                    """);
            Process p = new ProcessBuilder("ipmi_sim", "-c", dir.resolve("lan.conf").toString(), "-f",
                    dir.resolve("bmc.emu").toString(), "-s", dir.resolve("state").toString(), "-n")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("ipmi_sim.out").toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            IpmiSimulator sim = new IpmiSimulator(dir, port, p);
            try {
                await("ipmi_sim answers on 127.0.0.1:" + port).atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> sim.ipmitool("chassis", "power", "status").contains("Chassis Power is"));
            } catch (RuntimeException e) {
                sim.close();
                throw new IllegalStateException("ipmi_sim did not start: " + Files.readString(dir.resolve(
                        "ipmi_sim.out")), e);
            }
            Files.deleteIfExists(dir.resolve("calls.log")); // the start-up probe is not a call of the test
            Files.deleteIfExists(dir.resolve("calls-timed.log"));
            return sim;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** File holding the BMC password (for a {@code {file: ...}} secret). */
    public Path passwordFile() {
        return dir.resolve("password");
    }

    /** Every chassis_control call so far, e.g. {@code 0x20 get power}, {@code 0x20 set power 0}. */
    public List<String> calls() {
        try {
            Path log = dir.resolve("calls.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One call of {@link #timedCalls()}: when the BMC's chassis control ran, and with what. */
    public record TimedCall(java.time.Instant at, String call) {
    }

    /**
     * Every chassis_control call so far with the time the BMC ran it (this machine's wall clock,
     * milliseconds), oldest first: the BMC's own account of what it was asked and when.
     */
    public List<TimedCall> timedCalls() {
        try {
            Path log = dir.resolve("calls-timed.log");
            List<TimedCall> out = new java.util.ArrayList<>();
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    int space = line.indexOf(' ');
                    if (space > 0 && line.substring(0, space).matches("\\d+")) {
                        out.add(new TimedCall(java.time.Instant.ofEpochMilli(Long.parseLong(line.substring(0, space))),
                                line.substring(space + 1)));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The power-off commands the BMC received. */
    public long powerOffs() {
        return calls().stream().filter(c -> c.endsWith("set power 0")).count();
    }

    /** Sets the simulated power state directly (as if the host lost power by itself). */
    public void setPower(boolean on) {
        try {
            Files.writeString(dir.resolve("power"), on ? "1\n" : "0\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean poweredOn() {
        try {
            return Files.readString(dir.resolve("power")).strip().equals("1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs ipmitool against this BMC (password from the environment); its output, or "" on failure. */
    public String ipmitool(String... command) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of("ipmitool", "-I", "lanplus", "-C", "3", "-H",
                    "127.0.0.1", "-p", Integer.toString(port), "-U", USER, "-E", "-N", "1", "-R", "1"));
            cmd.addAll(List.of(command));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("IPMI_PASSWORD", PASSWORD);
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
