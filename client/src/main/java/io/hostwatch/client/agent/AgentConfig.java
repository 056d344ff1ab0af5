package io.hostwatch.client.agent;

import io.hostwatch.client.Durations;
import io.hostwatch.client.zk.ZkTls;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Names;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * @param connectionTimeout Curator's connection timeout: how long one connection attempt may take
 *        (default 3 s); the agent keeps trying after it
 * @param storageInterval how often the storage slot is rewritten (default 1 s)
 * @param healthCommand shell command ({@code /bin/sh -c}) whose exit status 0 means the supervised
 *        service is healthy; {@code null} for none
 * @param pidFile pid file of the supervised service, healthy while that process lives;
 *        {@code null} for none (at most one of {@code healthCommand} and {@code pidFile})
 * @param healthInterval how often the service is checked, and the health command's timeout
 *        (default 2 s)
 * @param healthFailures consecutive failed checks before the service counts as down (default 2)
 * @param registrationWait how long one registration attempt waits for a heartbeat znode left by a
 *        previous process of this host to expire (default 4 × session timeout); then it tries again
 * @param isolationAddresses literal IP addresses that answer while this host's network works; empty
 *        or {@code null} means the host's IPv4 default gateways (see {@link IsolationGuard})
 * @param fenceAfter how long this host must be isolated before its isolation response runs
 *        (default 30 s); SPEC's {@code isolation.fenceAfter}
 * @param isolationResponse shell command ({@code /bin/sh -c}) that fences this host, e.g. stops its
 *        VMs; exit status 0 means fenced. {@code null} or {@code none} for none: the host is then
 *        never FENCED
 * @param isolationResponseTimeout how long the isolation response may run before it is killed and
 *        counts as failed (default 30 s)
 * @param zkTls TLS settings and identity for ZooKeeper; {@code null} for a plain-text client
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
        Duration registrationWait,
        List<String> isolationAddresses,
        Duration fenceAfter,
        String isolationResponse,
        Duration isolationResponseTimeout,
        ZkTls zkTls) {

    public static final Duration DEFAULT_FENCE_AFTER = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ISOLATION_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
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
        address = validateAddress("management address", address);
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
        isolationAddresses = isolationAddresses == null ? List.of()
                : isolationAddresses.stream().map(a -> validateAddress("isolation address", a)).distinct().toList();
        fenceAfter = positive("fence-after", fenceAfter, DEFAULT_FENCE_AFTER);
        isolationResponseTimeout = positive("isolation response timeout", isolationResponseTimeout,
                DEFAULT_ISOLATION_RESPONSE_TIMEOUT);
        if (isolationResponse != null && isolationResponse.isBlank()) {
            throw new HostwatchException("isolation response is empty (use 'none' for no response)");
        }
        if (isolationResponse != null && isolationResponse.strip().equalsIgnoreCase("none")) {
            isolationResponse = null;
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

    /** The isolation addresses as {@link InetAddress}es (literals: nothing is resolved). */
    public List<InetAddress> isolationInetAddresses() {
        return isolationAddresses.stream().map(AgentConfig::literal).toList();
    }

    /** The isolation response, if one is configured. */
    public Optional<IsolationResponse> isolationResponseCommand() {
        return Optional.ofNullable(isolationResponse)
                .map(command -> IsolationResponse.command(command, isolationResponseTimeout, id()));
    }

    /**
     * The self-fence deadline this member declares in its registration ({@code fenceAfterMillis}):
     * how long after its network is cut its isolation response has finished at the latest. Empty
     * without a response: such a host never fences itself.
     *
     * <p>It is longer than {@code fenceAfter}: the ZooKeeper client notices a silent cut only after
     * its read timeout (bounded here by the session timeout), a check and its probes follow, the
     * response runs at the first check after {@code fenceAfter}, and it may take its whole timeout.
     * The detector waits this long after the last storage advance before a {@code DEAD} verdict of
     * this host becomes safe to act on, so it must never be short.
     *
     * @param negotiatedSessionTimeout the session timeout ZooKeeper granted; the longer of it and the
     *        configured one is used
     */
    public Optional<Duration> selfFenceDeadline(Duration negotiatedSessionTimeout) {
        if (isolationResponse == null) {
            return Optional.empty();
        }
        Duration session = negotiatedSessionTimeout != null && negotiatedSessionTimeout.compareTo(sessionTimeout) > 0
                ? negotiatedSessionTimeout : sessionTimeout;
        Duration oneCheck = IsolationGuard.DEFAULT_CHECK_INTERVAL.plus(IsolationGuard.DEFAULT_PROBE_TIMEOUT
                .multipliedBy(2L * Math.max(1, isolationAddresses.size())));
        return Optional.of(session.plus(oneCheck).plus(fenceAfter).plus(oneCheck).plus(isolationResponseTimeout));
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

    private static InetAddress literal(String validated) {
        try {
            return InetAddress.getByName(validated); // a validated literal: parsed, never resolved
        } catch (UnknownHostException e) {
            throw new HostwatchException("'" + validated + "' is not a valid IP address");
        }
    }

    /** Accepts only a literal IPv4 or IPv6 address; never resolves a name. */
    private static String validateAddress(String what, String address) {
        if (address == null || address.isBlank()) {
            throw new HostwatchException(what + " is empty");
        }
        String a = address.strip();
        boolean v4 = IPV4.matcher(a).matches();
        // Only text that InetAddress must parse as an IPv6 literal (starts with a hex digit or a colon,
        // holds only hex digits, colons and dots, and at least one colon) reaches it; anything else
        // could be taken for a host name and resolved.
        boolean v6 = !v4 && a.indexOf(':') >= 0 && IPV6_CHARS.matcher(a).matches();
        if (!v4 && !v6) {
            throw new HostwatchException(what + " '" + a
                    + "' is not a literal IP address (host names are not accepted)");
        }
        InetAddress parsed;
        try {
            parsed = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new HostwatchException(what + " '" + a + "' is not a valid IP address");
        }
        if (parsed.isAnyLocalAddress() || parsed.isMulticastAddress()) {
            throw new HostwatchException(what + " '" + a + "' is a wildcard or multicast address");
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
        private List<String> isolationAddresses = List.of();
        private Duration fenceAfter;
        private String isolationResponse;
        private Duration isolationResponseTimeout;
        private ZkTls zkTls;

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

        /** Literal IP addresses; empty means the default gateways. */
        public Builder isolationAddresses(List<String> value) {
            this.isolationAddresses = value;
            return this;
        }

        public Builder fenceAfter(Duration value) {
            this.fenceAfter = value;
            return this;
        }

        /** A shell command, or {@code null} / {@code none} for no response. */
        public Builder isolationResponse(String value) {
            this.isolationResponse = value;
            return this;
        }

        public Builder isolationResponseTimeout(Duration value) {
            this.isolationResponseTimeout = value;
            return this;
        }

        /** ZooKeeper over TLS with this identity; {@code null} (the default) for plain text. */
        public Builder zkTls(ZkTls value) {
            this.zkTls = value;
            return this;
        }

        /** @throws HostwatchException when a setting is invalid */
        public AgentConfig build() {
            return new AgentConfig(group, host, address, connectString, storageRoot, sessionTimeout,
                    connectionTimeout, storageInterval, healthCommand, pidFile, healthInterval, healthFailures,
                    registrationWait, isolationAddresses, fenceAfter, isolationResponse, isolationResponseTimeout,
                    zkTls);
        }
    }

    @Override
    public String toString() {
        return "AgentConfig[" + id() + " address=" + address + " zk=" + connectString + " storage=" + storageRoot
                + " session=" + Durations.format(sessionTimeout) + " interval=" + Durations.format(storageInterval)
                + (healthCommand != null ? " health-command" : "")
                + (pidFile != null ? " pid-file=" + pidFile : "")
                + " isolation=" + (isolationAddresses.isEmpty() ? "default-gateway" : isolationAddresses)
                + " fence-after=" + Durations.format(fenceAfter)
                + (isolationResponse != null ? " isolation-response" : "")
                + (zkTls != null ? " zk-tls=" + zkTls.keyStore() : "") + "]";
    }
}
