package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything a {@link MemberAgent} needs, validated on construction: an invalid name, address or
 * duration is rejected here, before anything is written or registered. A {@code null} duration
 * means its default; use {@link #builder(String, String, String, Path)} to set only what differs.
 *
 * @param group service group (RFC 1123 label); {@code null} means {@value Names#DEFAULT_GROUP}
 * @param host this host's name (RFC 1123 label)
 * @param address management address the detector pings: a literal IPv4 or IPv6 address, never a
 *        host name (it is not resolved, so a DNS outage cannot change what is pinged)
 * @param connectString ZooKeeper connect string ({@code zk1:2181,zk2:2181})
 * @param storageRoot shared storage directory; the slot is {@code <root>/<group>/<host>.hb}
 * @param sessionTimeout ZooKeeper session timeout (default 6 s): how long after this host stops
 *        answering ZooKeeper deletes its heartbeat znode
 * @param connectionTimeout Curator's connection timeout, and how long start-up waits for the first
 *        connection (default 3 s)
 * @param storageInterval how often the storage slot is rewritten (default 1 s)
 * @param healthCommand shell command ({@code /bin/sh -c}) whose exit status 0 means the supervised
 *        service is healthy; {@code null} for none
 * @param pidFile pid file of the supervised service, healthy while that process lives;
 *        {@code null} for none (at most one of {@code healthCommand} and {@code pidFile})
 * @param healthInterval how often the service is checked, and the health command's timeout
 *        (default 2 s)
 * @param healthFailures consecutive failed checks before the service counts as down (default 2)
 * @param registrationWait how long start-up waits for a heartbeat znode left by a previous process
 *        of this host to expire (default 4 × session timeout)
 */
public record AgentConfig(
        String group,
        String host,
        String address,
        String connectString,
        Path storageRoot,
        Duration sessionTimeout,
        Duration connectionTimeout,
        Duration storageInterval,
        String healthCommand,
        Path pidFile,
        Duration healthInterval,
        int healthFailures,
        Duration registrationWait) {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(6);
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_STORAGE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HEALTH_INTERVAL = Duration.ofSeconds(2);
    public static final int DEFAULT_HEALTH_FAILURES = 2;

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    public AgentConfig {
        group = Names.group(group == null ? Names.DEFAULT_GROUP : group);
        Names.host(host);
        address = validateAddress(address);
        if (connectString == null || connectString.isBlank()) {
            throw new HostwatchException("ZooKeeper connect string is empty");
        }
        connectString = connectString.strip();
        if (connectString.chars().anyMatch(Character::isWhitespace)) {
            throw new HostwatchException("ZooKeeper connect string '" + connectString + "' contains whitespace");
        }
        if (storageRoot == null) {
            throw new HostwatchException("storage directory is not set");
        }
        storageRoot = storageRoot.toAbsolutePath().normalize();
        sessionTimeout = positive("session timeout", sessionTimeout, DEFAULT_SESSION_TIMEOUT);
        connectionTimeout = positive("connection timeout", connectionTimeout, DEFAULT_CONNECTION_TIMEOUT);
        storageInterval = positive("storage interval", storageInterval, DEFAULT_STORAGE_INTERVAL);
        healthInterval = positive("health interval", healthInterval, DEFAULT_HEALTH_INTERVAL);
        registrationWait = positive("registration wait", registrationWait, sessionTimeout.multipliedBy(4));
        if (healthCommand != null && healthCommand.isBlank()) {
            throw new HostwatchException("health command is empty");
        }
        if (healthCommand != null && pidFile != null) {
            throw new HostwatchException("give a health command or a pid file, not both");
        }
        if (healthFailures < 1) {
            throw new HostwatchException("health failures must be at least 1, got " + healthFailures);
        }
    }

    /** A builder with every optional setting at its default. */
    public static Builder builder(String host, String address, String connectString, Path storageRoot) {
        return new Builder(host, address, connectString, storageRoot);
    }

    /** This member's id. */
    public MemberId id() {
        return MemberId.of(group, host);
    }

    /** True when a service is supervised (a health command or a pid file is set). */
    public boolean supervisesService() {
        return healthCommand != null || pidFile != null;
    }

    /** The health check of the supervised service, if one is configured. */
    public Optional<HealthCheck> healthCheck() {
        if (healthCommand != null) {
            return Optional.of(HealthCheck.command(healthCommand, healthInterval));
        }
        return Optional.ofNullable(pidFile).map(HealthCheck::pidFile);
    }

    private static Duration positive(String what, Duration value, Duration fallback) {
        Duration d = value == null ? fallback : value;
        if (d.isNegative() || d.isZero()) {
            throw new HostwatchException(what + " must be positive, got " + Durations.format(d));
        }
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new HostwatchException(what + " of " + Durations.format(d) + " is too long");
        }
        return d;
    }

    /** Accepts only a literal IPv4 or IPv6 address; never resolves a name. */
    private static String validateAddress(String address) {
        if (address == null || address.isBlank()) {
            throw new HostwatchException("management address is empty");
        }
        String a = address.strip();
        boolean v4 = IPV4.matcher(a).matches();
        // Only text that InetAddress must parse as an IPv6 literal (starts with a hex digit or a colon,
        // holds only hex digits, colons and dots, and at least one colon) reaches it; anything else
        // could be taken for a host name and resolved.
        boolean v6 = !v4 && a.indexOf(':') >= 0 && IPV6_CHARS.matcher(a).matches();
        if (!v4 && !v6) {
            throw new HostwatchException("management address '" + a
                    + "' is not a literal IP address (host names are not accepted)");
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new HostwatchException("management address '" + a + "' is not a valid IP address");
        }
        if (parsed.isAnyLocalAddress() || parsed.isMulticastAddress()) {
            throw new HostwatchException("management address '" + a
                    + "' is a wildcard or multicast address, not this host's address");
        }
        return a;
    }

    /** Builds an {@link AgentConfig}; unset settings keep their defaults. */
    public static final class Builder {
        private String group = Names.DEFAULT_GROUP;
        private final String host;
        private final String address;
        private final String connectString;
        private final Path storageRoot;
        private Duration sessionTimeout;
        private Duration connectionTimeout;
        private Duration storageInterval;
        private String healthCommand;
        private Path pidFile;
        private Duration healthInterval;
        private int healthFailures = DEFAULT_HEALTH_FAILURES;
        private Duration registrationWait;

        private Builder(String host, String address, String connectString, Path storageRoot) {
            this.host = host;
            this.address = address;
            this.connectString = connectString;
            this.storageRoot = storageRoot;
        }

        public Builder group(String value) {
            this.group = value;
            return this;
        }

        public Builder sessionTimeout(Duration value) {
            this.sessionTimeout = value;
            return this;
        }

        public Builder connectionTimeout(Duration value) {
            this.connectionTimeout = value;
            return this;
        }

        public Builder storageInterval(Duration value) {
            this.storageInterval = value;
            return this;
        }

        public Builder healthCommand(String value) {
            this.healthCommand = value;
            return this;
        }

        public Builder pidFile(Path value) {
            this.pidFile = value;
            return this;
        }

        public Builder healthInterval(Duration value) {
            this.healthInterval = value;
            return this;
        }

        public Builder healthFailures(int value) {
            this.healthFailures = value;
            return this;
        }

        public Builder registrationWait(Duration value) {
            this.registrationWait = value;
            return this;
        }

        /** @throws HostwatchException when a setting is invalid */
        public AgentConfig build() {
            return new AgentConfig(group, host, address, connectString, storageRoot, sessionTimeout,
                    connectionTimeout, storageInterval, healthCommand, pidFile, healthInterval, healthFailures,
                    registrationWait);
        }
    }

    @Override
    public String toString() {
        return "AgentConfig[" + id() + " address=" + address + " zk=" + connectString + " storage=" + storageRoot
                + " session=" + Durations.format(sessionTimeout) + " interval=" + Durations.format(storageInterval)
                + (healthCommand != null ? " health-command" : "")
                + (pidFile != null ? " pid-file=" + pidFile : "") + "]";
    }
}
