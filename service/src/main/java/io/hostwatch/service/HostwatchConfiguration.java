package io.hostwatch.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import io.hostwatch.service.auth.AuthConfiguration;
import io.hostwatch.service.nova.KeystoneConfiguration;
import io.hostwatch.service.nova.MasakariConfiguration;
import io.hostwatch.service.nova.NovaConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service's configuration. Every key can be set on the command line as
 * {@code -Ddw.KEY=VALUE}, e.g. {@code -Ddw.zookeeper.connectString=zk1:2181}.
 */
public class HostwatchConfiguration extends Configuration {
    @Valid @NotNull @JsonProperty
    private ZooKeeper zookeeper = new ZooKeeper();
    @Valid @NotNull @JsonProperty
    private Storage storage = new Storage();
    @Valid @NotNull @JsonProperty
    private Detection detection = new Detection();
    @Valid @NotNull @JsonProperty
    private Ping ping = new Ping();
    @Valid @NotNull @JsonProperty
    private Brake brake = new Brake();
    @Valid @NotNull @JsonProperty
    private Flap flap = new Flap();
    @Valid @NotNull @JsonProperty
    private History history = new History();
    @Valid @NotNull @JsonProperty
    private NovaConfiguration nova = new NovaConfiguration();
    @Valid @NotNull @JsonProperty
    private io.hostwatch.service.fencing.FencingConfiguration fencing =
            new io.hostwatch.service.fencing.FencingConfiguration();
    @Valid @NotNull @JsonProperty
    private KeystoneConfiguration keystone = new KeystoneConfiguration();
    @Valid @NotNull @JsonProperty
    private MasakariConfiguration masakari = new MasakariConfiguration();
    @Valid @NotNull @JsonProperty
    private Security security = new Security();
    @Valid @NotNull @JsonProperty
    private AuthConfiguration auth = new AuthConfiguration();

    public ZooKeeper getZookeeper() {
        return zookeeper;
    }

    public Storage getStorage() {
        return storage;
    }

    public Detection getDetection() {
        return detection;
    }

    public Ping getPing() {
        return ping;
    }

    public Brake getBrake() {
        return brake;
    }

    public Flap getFlap() {
        return flap;
    }

    /** {@code history.*}: the verdict transitions kept per member. */
    public History getHistory() {
        return history;
    }

    /** {@code fencing.*}: out-of-band power fencing through each host's BMC (off by default); see docs/fencing.md. */
    public io.hostwatch.service.fencing.FencingConfiguration getFencing() {
        return fencing;
    }

    /** {@code nova.*}: the Nova integration (off by default); see docs/nova.md. */
    public NovaConfiguration getNova() {
        return nova;
    }

    /** {@code keystone.*}: credentials and catalog selection for the Nova integration. */
    public KeystoneConfiguration getKeystone() {
        return keystone;
    }

    /** {@code masakari.*}: the optional Masakari notification. */
    public MasakariConfiguration getMasakari() {
        return masakari;
    }

    /** {@code security.*}: identities, enrollment and the insecure opt-in; see docs/security.md. */
    public Security getSecurity() {
        return security;
    }

    /** {@code auth.*}: who may call the REST port (docs/security.md). */
    public AuthConfiguration getAuth() {
        return auth;
    }

    @JsonIgnore
    @ValidationMethod(message = "nova.enabled needs complete keystone.* settings: authUrl and either username,"
            + " password and projectName, or applicationCredentialId and applicationCredentialSecret (docs/nova.md)")
    public boolean isNovaConfigured() {
        return !nova.enabled || keystone.problems().isEmpty();
    }

    /** {@code zookeeper.*}: the ensemble, or the embedded server when no connect string is set. */
    public static class ZooKeeper {
        /** Ensemble to join; empty = start an embedded single-node ZooKeeper. */
        @JsonProperty
        public String connectString;
        @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) @JsonProperty
        public Duration sessionTimeout = Duration.seconds(6);
        @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @JsonProperty
        public Duration connectionTimeout = Duration.seconds(3);
        @Valid @NotNull @JsonProperty
        public Embedded embedded = new Embedded();
        /** TLS and the service's X.509 identity; unset = plain text (loopback only unless allowInsecure). */
        @Valid @NotNull @JsonProperty
        public Tls tls = new Tls();

        /** True when {@code zookeeper.tls} is configured. */
        @JsonIgnore
        public boolean tlsEnabled() {
            return tls != null && tls.keyStore != null && !tls.keyStore.isBlank();
        }
    }

    /** {@code zookeeper.tls.*}: PKCS12 (or .jks) stores made e.g. by deploy/pki.sh; all three or none. */
    public static class Tls {
        /** The service's key store: its certificate's subject is the service identity. */
        @JsonProperty
        public String keyStore;
        /** The CA that signed the ZooKeeper servers' (and every client's) certificates. */
        @JsonProperty
        public String trustStore;
        /** File whose first line is the stores' password. */
        @JsonProperty
        public String passwordFile;

        @JsonIgnore
        @ValidationMethod(message = "zookeeper.tls needs all of keyStore, trustStore and passwordFile, or none")
        public boolean isComplete() {
            boolean any = keyStore != null || trustStore != null || passwordFile != null;
            return !any || (keyStore != null && trustStore != null && passwordFile != null);
        }
    }

    /** {@code security.*}. */
    public static class Security {
        /** Listening beyond loopback without protection (REST, admin, ZooKeeper) needs this; logged at every start. */
        @JsonProperty
        public boolean allowInsecure;
        /** The ZooKeeper identity of a member host, {@code {host}} replaced by its name. */
        @NotEmpty @JsonProperty
        public String hostIdentity = "CN={host},OU=hosts,O=hostwatch";
        /** Member addresses must fall in one of these CIDRs; empty = any literal address. */
        @NotNull @JsonProperty
        public List<String> memberNetworks = List.of();
        /** Largest self-fence deadline ({@code fenceAfterMillis}) a registration may declare. */
        @NotNull @JsonProperty
        public Duration maxFenceAfter = Duration.days(1);
        /** Most members accepted per group (fake members would dilute the brake). */
        @Min(1) @JsonProperty
        public int maxMembersPerGroup = 10_000;
    }

    /** {@code zookeeper.embedded.*}. */
    public static class Embedded {
        /**
         * Address to listen on; empty = 127.0.0.1 without TLS, all interfaces with TLS. Any other
         * address without TLS needs {@code security.allowInsecure}.
         */
        @JsonProperty
        public String address;
        /**
         * The embedded server's own key store (a certificate whose SANs name the address clients
         * dial); with {@code zookeeper.tls} set it is required, and {@code port} is then the TLS port
         * (there is no plain-text port).
         */
        @JsonProperty
        public String keyStore;
        @Min(1) @Max(65535) @JsonProperty
        public int port = 2181;
        @NotEmpty @JsonProperty
        public String dataDir = "data/zookeeper";
        /**
         * The embedded server's tick. ZooKeeper expires a session on its tick after the session
         * timeout, so a member's loss shows up to one tick late: a short tick keeps the time from a
         * host's death to its verdict close to the session timeout.
         */
        @NotNull @MinDuration(value = 50, unit = TimeUnit.MILLISECONDS) @JsonProperty
        public Duration tickTime = Duration.milliseconds(100);
    }

    /** {@code storage.*}: the shared storage where members write their heartbeat slots. */
    public static class Storage {
        @NotEmpty @JsonProperty
        public String root = "data/storage";
        /** A slot is STALE after this long without its counter advancing. */
        @NotNull @JsonProperty
        public Duration staleAfter = Duration.seconds(3);
        /** How often every member's slot is read. */
        @NotNull @JsonProperty
        public Duration observeInterval = Duration.seconds(1);
        /** A read that takes longer makes storage evidence UNKNOWN. */
        @NotNull @JsonProperty
        public Duration readTimeout = Duration.seconds(1);
        @Min(1) @Max(256) @JsonProperty
        public int readThreads = 8;
    }

    /** {@code detection.*}. */
    public static class Detection {
        /** Members that are not RUNNING are probed again this often. */
        @NotNull @JsonProperty
        public Duration recheckInterval = Duration.seconds(5);
        /**
         * The detector's own isolation addresses (e.g. its default gateway): when none answers, ping
         * evidence is UNKNOWN instead of FAIL. Empty = not checked.
         */
        @NotNull @JsonProperty
        public List<String> isolationAddresses = List.of();
        /** How often the detector checks its own network and its storage canary. */
        @NotNull @JsonProperty
        public Duration selfCheckInterval = Duration.seconds(1);
    }

    /** {@code brake.*}: the mass-failure brake. */
    public static class Brake {
        /** More than this fraction of a group lost within the window engages the brake. */
        @DecimalMin("0.0") @DecimalMax("1.0") @JsonProperty
        public double threshold = 0.5;
        /** ...and at least this many members. */
        @Min(1) @JsonProperty
        public int minMembers = 3;
        @NotNull @JsonProperty
        public Duration window = Duration.seconds(60);
        /**
         * A verdict that would be actionable is held ({@code SETTLING}) this long after the member's
         * loss, so losses a few seconds apart count together before anything is actionable. Unset:
         * derived from the session timeout ({@link io.hostwatch.service.detector.DetectorSettings#settleFor}),
         * which covers how far apart ZooKeeper expires the sessions of hosts that fail together.
         */
        @JsonProperty
        public Duration settle;
    }

    /** {@code flap.*}: flap damping. */
    public static class Flap {
        /** Losses within the window that make a member flap. */
        @Min(2) @JsonProperty
        public int threshold = 3;
        @NotNull @JsonProperty
        public Duration window = Duration.minutes(10);
        /** A flapping member stays non-actionable this long after its last loss. */
        @NotNull @JsonProperty
        public Duration holdDown = Duration.minutes(10);
    }

    /** {@code history.*}: each member's verdict history in ZooKeeper. */
    public static class History {
        /** Transitions kept per member; older ones are deleted. */
        @Min(1) @Max(10_000) @JsonProperty
        public int size = 100;
    }

    /** {@code ping.*}. */
    public static class Ping {
        @NotNull @JsonProperty
        public Duration timeout = Duration.seconds(1);
        /** TCP ports tried (a refused connection counts as an answer). */
        @NotNull @JsonProperty
        public List<@Min(1) @Max(65535) Integer> ports = List.of(22);
        /** {@code auto} (ICMP when the process holds CAP_NET_RAW), {@code always} or {@code never}. */
        @NotNull @JsonProperty
        public String icmp = "auto";
        /** Upper bound on probes in flight at once. */
        @Min(1) @Max(4096) @JsonProperty
        public int maxConcurrent = 1024;
        /**
         * Only an ICMP echo reply counts as an answer: set it where something in front of the
         * hosts (a firewall, a hypervisor) may answer TCP with resets for a host that is down.
         */
        @JsonProperty
        public boolean requireIcmp = false;
    }
}
