package io.hostwatch.service.fencing;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Names;
import io.hostwatch.service.nova.SecretSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which members are fenced and how their BMC is reached: {@link #fenced(MemberId)} says whether
 * the member's group is configured, {@link #resolve(MemberId)} builds its {@link PowerManagement}
 * (cached) or says why it cannot. Resolution problems of a fenced member never make it unfenced:
 * they are a fencing failure, shown on its verdict.
 */
public final class BmcTargets {
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern SYSTEM_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> PRIVILEGES = Set.of("OPERATOR", "ADMINISTRATOR");

    /** A resolved BMC, or why there is none. */
    public record Target(PowerManagement bmc, String problem) {
    }

    private final FencingConfiguration config;
    private final Duration timeout;
    private final Map<MemberId, Target> cache = new ConcurrentHashMap<>();
    private final Set<String> groups;
    private final PowerManagement preset;

    public BmcTargets(FencingConfiguration config) {
        this(config, null);
    }

    private BmcTargets(FencingConfiguration config, PowerManagement preset) {
        this.config = config;
        this.timeout = config.timeout.toJavaDuration();
        this.groups = Set.copyOf(config.groups.keySet());
        this.preset = preset;
    }

    /** Every host of {@code group} fenced through {@code bmc} (tests). */
    static BmcTargets fixed(String group, PowerManagement bmc) {
        FencingConfiguration c = new FencingConfiguration();
        c.groups.put(group, new BmcConfiguration());
        return new BmcTargets(c, bmc);
    }

    /** True when the member's group has out-of-band fencing configured. */
    public boolean fenced(MemberId id) {
        return groups.contains(id.group());
    }

    /** The member's BMC; empty when its group is not fenced. */
    public Optional<Target> resolve(MemberId id) {
        if (!fenced(id)) {
            return Optional.empty();
        }
        return Optional.of(cache.computeIfAbsent(id, this::build));
    }

    private Target build(MemberId id) {
        if (preset != null) {
            return new Target(preset, null);
        }
        BmcConfiguration group = config.groups.get(id.group());
        BmcConfiguration host = group.hosts == null ? null : group.hosts.get(id.host());
        List<String> problems = new ArrayList<>();
        Resolved r = merge(group, host, id.host());
        check(r, "fencing.groups." + id.group() + " for host " + id.host(), problems);
        if (!problems.isEmpty()) {
            return new Target(null, String.join("; ", problems));
        }
        if (r.method.equals("ipmi")) {
            return new Target(new IpmiPowerClient(new IpmiPowerClient.Settings(config.ipmitool, r.address,
                    r.port == null ? 623 : r.port, r.username, r.password,
                    r.privilege == null ? "ADMINISTRATOR" : r.privilege.toUpperCase(Locale.ROOT), r.cipherSuite,
                    timeout)), null);
        }
        return new Target(new RedfishPowerClient(new RedfishPowerClient.Settings(URI.create(r.url), r.systemId,
                r.username, r.password, r.caFile == null ? null : Path.of(r.caFile), timeout)), null);
    }

    /** The effective settings of one host: the host's field where set, else the group's. */
    private record Resolved(String method, String address, Integer port, String url, String systemId,
                            String caFile, String username, SecretSource password, String privilege,
                            Integer cipherSuite) {
    }

    private static Resolved merge(BmcConfiguration g, BmcConfiguration h, String host) {
        BmcConfiguration e = h == null ? new BmcConfiguration() : h;
        return new Resolved(
                lower(pick(e.method, g.method)),
                subst(pick(e.address, g.address), host),
                pick(e.port, g.port),
                subst(pick(e.url, g.url), host),
                pick(e.systemId, g.systemId),
                pick(e.caFile, g.caFile),
                pick(e.username, g.username),
                pick(e.password, g.password),
                pick(e.privilege, g.privilege),
                pick(e.cipherSuite, g.cipherSuite));
    }

    private static <T> T pick(T host, T group) {
        return host != null ? host : group;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static String subst(String template, String host) {
        return template == null ? null : template.replace("{host}", host);
    }

    /** Every problem of the configuration as written (names, and each listed host's resolved settings). */
    static List<String> problems(FencingConfiguration config) {
        List<String> out = new ArrayList<>();
        if (config.groups == null) {
            return out;
        }
        config.groups.forEach((group, g) -> {
            String where = "fencing.groups." + group;
            if (!Names.isValid(group)) {
                out.add(where + ": not a valid group name");
                return;
            }
            if (g == null) {
                out.add(where + ": empty");
                return;
            }
            if (g.hosts != null) {
                g.hosts.forEach((host, h) -> {
                    if (!Names.isValid(host)) {
                        out.add(where + ".hosts." + host + ": not a valid host name");
                    } else if (h == null) {
                        out.add(where + ".hosts." + host + ": empty");
                    } else if (h.hosts != null && !h.hosts.isEmpty()) {
                        out.add(where + ".hosts." + host + ": hosts cannot be nested");
                    } else {
                        check(merge(g, h, host), where + ".hosts." + host, out);
                    }
                });
            }
            boolean template = g.address != null && g.address.contains("{host}")
                    || g.url != null && g.url.contains("{host}");
            if (template || g.hosts == null || g.hosts.isEmpty()) {
                // The group's own settings must work for any host name (checked with a sample name).
                check(merge(g, null, "host"), where, out);
            }
        });
        return out;
    }

    private static void check(Resolved r, String where, List<String> out) {
        if (r.method == null || !(r.method.equals("ipmi") || r.method.equals("redfish"))) {
            out.add(where + ": method must be ipmi or redfish");
            return;
        }
        if (r.username == null || r.username.isBlank() || r.username.chars().anyMatch(c -> c < 0x21 || c == 0x7f)
                || r.username.length() > (r.method.equals("ipmi") ? 16 : 64)) {
            out.add(where + ": username must be 1 to " + (r.method.equals("ipmi") ? 16 : 64)
                    + " printable characters without spaces");
        }
        if (r.password == null || !r.password.isExactlyOneSource()) {
            out.add(where + ": password needs exactly one of {file: ...} or {env: ...}");
        }
        if (r.method.equals("ipmi")) {
            if (r.address == null || !(HOSTNAME.matcher(r.address).matches() || IPV6.matcher(r.address).matches()
                    && r.address.contains(":"))) {
                out.add(where + ": address must be a host name or an IP address");
            }
            if (r.port != null && (r.port < 1 || r.port > 65535)) {
                out.add(where + ": port must be 1 to 65535");
            }
            if (r.privilege != null && !PRIVILEGES.contains(r.privilege.toUpperCase(Locale.ROOT))) {
                out.add(where + ": privilege must be OPERATOR or ADMINISTRATOR");
            }
            if (r.cipherSuite != null && (r.cipherSuite < 1 || r.cipherSuite > 17)) {
                out.add(where + ": cipherSuite must be 1 to 17 (0 would mean no authentication)");
            }
            if (r.url != null || r.systemId != null || r.caFile != null) {
                out.add(where + ": url, systemId and caFile belong to method redfish");
            }
        } else {
            urlProblem(r.url).ifPresent(p -> out.add(where + ": url " + p));
            if (r.systemId != null && !SYSTEM_ID.matcher(r.systemId).matches()) {
                out.add(where + ": systemId must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            if (r.caFile != null && !Files.isReadable(Path.of(r.caFile))) {
                out.add(where + ": caFile " + r.caFile + " is not a readable file");
            }
            if (r.address != null || r.port != null || r.privilege != null || r.cipherSuite != null) {
                out.add(where + ": address, port, privilege and cipherSuite belong to method ipmi");
            }
        }
    }

    private static Optional<String> urlProblem(String url) {
        if (url == null) {
            return Optional.of("is required");
        }
        try {
            URI u = new URI(url);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
                return Optional.of("must be http(s)");
            }
            if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null
                    || u.getRawFragment() != null || !(u.getRawPath() == null || u.getRawPath().isEmpty()
                    || u.getRawPath().equals("/"))) {
                return Optional.of("must be scheme://host[:port] only (no credentials, path or query)");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
    }
}
