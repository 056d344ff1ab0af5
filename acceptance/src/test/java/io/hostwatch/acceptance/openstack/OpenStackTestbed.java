package io.hostwatch.acceptance.openstack;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenStack test bed of {@code deploy/openstack/testbed.sh} (real Keystone, Nova API, RabbitMQ,
 * Masakari API and engine on loopback, MariaDB behind a unix socket), started on demand by tests.
 *
 * <p>{@link #ensureKeystone()} brings up MariaDB and Keystone only (under a minute on a fresh
 * machine, instant when already up); {@link #ensureUp()} the whole bed (a few minutes the first
 * time). Both return the bed's {@link Facts}. Where the Debian packages are missing the test is
 * skipped with a clear message, except under {@code CI=true}, where it fails: a skipped proof is no
 * proof. A bed that is installed but does not come up always fails the test, with the script's
 * output.
 *
 * <p>The bed stays up after the tests (the next run reuses it); {@code testbed.sh down} removes it.
 * Its state lives in {@code data/openstack/} of this checkout, or {@code HW_TESTBED_DIR}.
 */
public final class OpenStackTestbed {
    /** What the bed runs; each a file a Debian package installs. */
    private static final Map<String, String> KEYSTONE_FILES = Map.of(
            "/usr/sbin/mariadbd", "mariadb-server",
            "/usr/bin/keystone-manage", "keystone",
            "/usr/bin/uwsgi", "uwsgi-core",
            "/usr/lib/uwsgi/plugins/python3_plugin.so", "uwsgi-plugin-python3");
    private static final Map<String, String> ALL_FILES = Map.of(
            "/usr/bin/nova-api-wsgi", "nova-api",
            "/usr/bin/masakari-wsgi", "masakari-api",
            "/usr/bin/masakari-engine", "masakari-engine",
            "/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server",
            "/usr/bin/openstack", "python3-openstackclient");
    /** A fresh bootstrap on a busy 2-core machine, with margin. */
    private static final long UP_TIMEOUT_SECONDS = 900;

    private OpenStackTestbed() {
    }

    /** MariaDB and Keystone with the bed's users; returns the connection facts. */
    public static synchronized Facts ensureKeystone() {
        requireFiles(KEYSTONE_FILES);
        return up("keystone");
    }

    /** The whole bed (Keystone, Nova API, RabbitMQ, Masakari API + engine); returns the facts. */
    public static synchronized Facts ensureUp() {
        requireFiles(KEYSTONE_FILES);
        requireFiles(ALL_FILES);
        return up(null);
    }

    /**
     * {@code nova-compute} services (kept up by the bed's heartbeat) and Masakari segment hosts for
     * these names; idempotent. Needs {@link #ensureUp()} first.
     */
    public static synchronized void addHosts(String... names) {
        List<String> argv = new ArrayList<>(List.of("bash", script().toString(), "add-host"));
        argv.addAll(List.of(names));
        run(argv, 300);
    }

    /** The checkout's {@code deploy/openstack/testbed.sh}, found from the working directory up. */
    public static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("deploy/openstack/testbed.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("deploy/openstack/testbed.sh not found above " + Path.of("").toAbsolutePath());
    }

    private static Facts up(String level) {
        List<String> argv = new ArrayList<>(List.of("bash", script().toString(), "up"));
        if (level != null) {
            argv.add(level);
        }
        run(argv, UP_TIMEOUT_SECONDS);
        String env = run(List.of("bash", script().toString(), "env"), 30);
        return Facts.parse(env);
    }

    private static String run(List<String> argv, long timeoutSeconds) {
        try {
            Path out = Files.createTempFile("testbed", ".log");
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", argv) + " did not finish within " + timeoutSeconds
                            + " s:\n" + Files.readString(out, StandardCharsets.UTF_8));
                }
                String text = Files.readString(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", argv) + " exited " + p.exitValue() + ":\n" + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", argv), e);
        }
    }

    private static void requireFiles(Map<String, String> files) {
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (!new File(f.getKey()).exists()) {
                String missing = f.getKey() + " (Debian package " + f.getValue() + "; .ci/run installs it)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail("the OpenStack test bed needs " + missing + ", and CI=true: refusing to skip a proof");
                }
                assumeTrue(false, "skipped: the OpenStack test bed needs " + missing);
            }
        }
    }

    /**
     * The bed's connection facts, as {@code testbed.sh env} prints them (the header of
     * {@code deploy/openstack/testbed.sh} lists the users and what they may do).
     */
    public record Facts(Map<String, String> env) {
        static Facts parse(String text) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                String l = line.strip();
                if (l.startsWith("export ")) {
                    l = l.substring("export ".length());
                }
                int eq = l.indexOf('=');
                if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                    continue;
                }
                env.put(l.substring(0, eq), l.substring(eq + 1));
            }
            return new Facts(Map.copyOf(env));
        }

        public String get(String name) {
            String value = env.get(name);
            if (value == null) {
                throw new IllegalStateException("the test bed's facts have no " + name + ": " + env.keySet());
            }
            return value;
        }

        /** Keystone v3, e.g. {@code http://127.0.0.1:PORT/v3}. */
        public String authUrl() {
            return get("OS_AUTH_URL");
        }

        /** {@code regionOne}: Debian's default (case-sensitive). */
        public String region() {
            return get("OS_REGION_NAME");
        }

        /** The project every hostwatch identity is scoped to: {@code hostwatch}. */
        public String project() {
            return get("HW_PROJECT");
        }

        /** hostwatch's service user ({@code hostwatch}: admin and service on the project). */
        public String serviceUser() {
            return get("HW_SERVICE_USERNAME");
        }

        public String servicePassword() {
            return get("HW_SERVICE_PASSWORD");
        }

        /** The service user's application credential. */
        public String appCredentialId() {
            return get("HW_APP_CRED_ID");
        }

        public String appCredentialSecret() {
            return get("HW_APP_CRED_SECRET");
        }

        /** {@code hw-reader} (reader), {@code hw-operator} (admin), {@code hw-norole} (no role). */
        public String passwordOf(String user) {
            for (String prefix : List.of("HW_READER", "HW_OPERATOR", "HW_NOROLE", "HW_SERVICE", "HW_ADMIN")) {
                if (user.equals(env.get(prefix + "_USERNAME"))) {
                    return get(prefix + "_PASSWORD");
                }
            }
            throw new IllegalArgumentException("not a user of the test bed: " + user);
        }

        /** The environment for the {@code openstack} CLI as {@code user} (project hostwatch, or admin for admin). */
        public Map<String, String> cliEnvironment(String user) {
            Map<String, String> cli = new LinkedHashMap<>();
            env.forEach((k, v) -> {
                if (k.startsWith("OS_")) {
                    cli.put(k, v);
                }
            });
            cli.put("OS_USERNAME", user);
            cli.put("OS_PASSWORD", passwordOf(user));
            cli.put("OS_PROJECT_NAME", user.equals(get("HW_ADMIN_USERNAME")) ? get("HW_ADMIN_PROJECT") : project());
            return cli;
        }
    }
}
