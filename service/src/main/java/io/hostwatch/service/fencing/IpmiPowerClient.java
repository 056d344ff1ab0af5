package io.hostwatch.service.fencing;

import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.nova.SecretSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * IPMI over LAN ({@code lanplus}, IPMI 2.0 RMCP+) through Debian's {@code ipmitool}, run as a
 * subprocess for each call. The password goes to ipmitool in its environment
 * ({@code IPMI_PASSWORD} with {@code -E}), never on its command line, where any local user could
 * read it in the process list. Each call is bounded: ipmitool's own per-message time-out and
 * retries are set from {@code timeout}, and the process is killed if it is still running when
 * {@code timeout} has passed.
 *
 * <p>Answers read: {@code Chassis Power is on|off} ({@code chassis power status}); a power-off is
 * answered {@code Chassis Power Control: Down/Off}. Anything else, a non-zero exit or a time-out is
 * a {@link BmcException}.
 */
public final class IpmiPowerClient implements PowerManagement {
    /** What the configuration resolved for one host. */
    public record Settings(String ipmitool, String address, int port, String username, SecretSource password,
                           String privilege, Integer cipherSuite, Duration timeout) {
    }

    private static final int MAX_OUTPUT = 4096;

    private final Settings s;

    public IpmiPowerClient(Settings settings) {
        this.s = settings;
    }

    @Override
    public String method() {
        return "ipmi-lanplus";
    }

    @Override
    public String target() {
        return s.address() + ":" + s.port();
    }

    @Override
    public Reading status() {
        String out = run("status");
        String lower = out.toLowerCase(Locale.ROOT);
        for (String line : lower.split("\n")) {
            String l = line.strip();
            if (l.equals("chassis power is on")) {
                return new Reading(SignalStatus.Power.ON, "Chassis Power is on");
            }
            if (l.equals("chassis power is off")) {
                return new Reading(SignalStatus.Power.OFF, "Chassis Power is off");
            }
        }
        throw new BmcException("ipmitool at " + target() + " gave no power state: '" + firstLine(out) + "'");
    }

    @Override
    public String powerOff() {
        return control("off", "down/off");
    }

    @Override
    public String powerOn() {
        return control("on", "up/on");
    }

    private String control(String verb, String expected) {
        String out = run(verb);
        for (String line : out.split("\n")) {
            if (line.strip().toLowerCase(Locale.ROOT).startsWith("chassis power control:")
                    && line.toLowerCase(Locale.ROOT).contains(expected)) {
                return line.strip();
            }
        }
        throw new BmcException("ipmitool at " + target() + " did not acknowledge power " + verb + ": '"
                + firstLine(out) + "'");
    }

    /** Runs {@code ipmitool ... chassis power VERB}; its standard output on exit 0. */
    private String run(String verb) {
        String password = s.password().read();
        long timeoutMillis = s.timeout().toMillis();
        // Per-message time-out: a quarter of the bound, so that the session set-up's few exchanges
        // and one retry fit inside it; the process is killed at the bound in any case.
        long perMessage = Math.max(1, timeoutMillis / 4000);
        List<String> cmd = new ArrayList<>(List.of(s.ipmitool(), "-I", "lanplus", "-H", s.address(), "-p",
                Integer.toString(s.port()), "-U", s.username(), "-E", "-L", s.privilege(), "-N",
                Long.toString(perMessage), "-R", "1"));
        if (s.cipherSuite() != null) {
            cmd.add("-C");
            cmd.add(Integer.toString(s.cipherSuite()));
        }
        cmd.addAll(List.of("chassis", "power", verb));
        Path out = null;
        Path err = null;
        Process p = null;
        try {
            out = Files.createTempFile("hostwatch-ipmi", ".out");
            err = Files.createTempFile("hostwatch-ipmi", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("IPMI_PASSWORD", password);
            p = pb.start();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                throw new BmcException("no answer from the BMC at " + target() + " within " + timeoutMillis
                        + " ms (ipmitool killed)");
            }
            String stdout = read(out);
            if (p.exitValue() != 0) {
                throw new BmcException("ipmitool at " + target() + " failed (exit " + p.exitValue() + "): "
                        + lastLine(read(err)));
            }
            return stdout;
        } catch (IOException e) {
            throw new BmcException("cannot run " + s.ipmitool() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (p != null) {
                p.destroyForcibly();
            }
            throw new BmcException("interrupted while asking the BMC at " + target(), e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static String read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, 0, Math.min(bytes.length, MAX_OUTPUT), StandardCharsets.UTF_8);
        return text.replaceAll("[\\p{Cntrl}&&[^\n]]", "");
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind holds no secret
            }
        }
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return truncate(nl < 0 ? t : t.substring(0, nl));
    }

    private static String lastLine(String text) {
        String t = text.strip();
        int nl = t.lastIndexOf('\n');
        return truncate(nl < 0 ? t : t.substring(nl + 1));
    }

    private static String truncate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    @Override
    public String toString() {
        return method() + "://" + target();
    }
}
