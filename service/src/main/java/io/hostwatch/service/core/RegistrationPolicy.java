package io.hostwatch.service.core;

import io.hostwatch.schema.MemberRegistration;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a member's registration may claim, checked on every read (a registration is data written
 * by a host, and a misconfigured ensemble may let anyone write it): the address is a literal IP,
 * inside one of the configured networks when there are any; the incarnation is a UUID; the
 * declared self-fence deadline is at most a maximum (it postpones {@code safeToRecoverAt}); a
 * group holds a bounded number of members (fake members would dilute the mass-failure brake).
 * A registration that fails is ignored as if absent, with the reason logged.
 *
 * @param networks CIDRs the address must fall in ({@code 10.0.0.0/8}, {@code fd00::/8}); empty = any
 * @param maxFenceAfterMillis largest accepted {@code fenceAfterMillis}
 * @param maxMembersPerGroup most members accepted per group
 */
public record RegistrationPolicy(List<String> networks, long maxFenceAfterMillis, int maxMembersPerGroup) {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    /** Any literal address, fence-after up to a day, 10 000 members per group. */
    public static final RegistrationPolicy DEFAULT = new RegistrationPolicy(List.of(), 86_400_000L, 10_000);

    public RegistrationPolicy {
        networks = List.copyOf(networks == null ? List.of() : networks);
        for (String n : networks) {
            parseNetwork(n);
        }
        if (maxFenceAfterMillis < 0 || maxMembersPerGroup < 1) {
            throw new IllegalArgumentException("maxFenceAfterMillis >= 0 and maxMembersPerGroup >= 1 required");
        }
    }

    /**
     * Why {@code r} is not accepted, or empty when it is.
     *
     * @param membersInGroup members already accepted in its group, not counting {@code r} itself
     */
    public Optional<String> problem(MemberRegistration r, int membersInGroup) {
        if (r.address() == null || !isLiteral(r.address())) {
            return Optional.of("address '" + r.address() + "' is not a literal IP address");
        }
        if (!networks.isEmpty() && networks.stream().noneMatch(n -> contains(n, r.address()))) {
            return Optional.of("address " + r.address() + " is outside the configured networks " + networks);
        }
        try {
            if (r.incarnation() == null || !UUID.fromString(r.incarnation()).toString()
                    .equalsIgnoreCase(r.incarnation())) {
                return Optional.of("incarnation '" + r.incarnation() + "' is not a UUID");
            }
        } catch (IllegalArgumentException e) {
            return Optional.of("incarnation '" + r.incarnation() + "' is not a UUID");
        }
        if (r.fenceAfterMillis() != null && (r.fenceAfterMillis() < 0 || r.fenceAfterMillis() > maxFenceAfterMillis)) {
            return Optional.of("fenceAfterMillis " + r.fenceAfterMillis() + " is outside 0.." + maxFenceAfterMillis);
        }
        if (membersInGroup >= maxMembersPerGroup) {
            return Optional.of("group " + r.group() + " already has " + membersInGroup + " members, the most accepted");
        }
        return Optional.empty();
    }

    static boolean isLiteral(String address) {
        return IPV4.matcher(address).matches() || IPV6.matcher(address).matches() && literal(address) != null;
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address); // a literal (checked above): no name lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean contains(String network, String address) {
        Object[] parsed = parseNetwork(network);
        byte[] net = ((InetAddress) parsed[0]).getAddress();
        int bits = (Integer) parsed[1];
        InetAddress a = literal(address);
        if (a == null) {
            return false;
        }
        byte[] addr = a.getAddress();
        if (addr.length != net.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((addr[i / 8] & mask) != (net[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static Object[] parseNetwork(String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0 || !isLiteral(cidr.substring(0, slash))) {
            throw new IllegalArgumentException("not a network in CIDR notation: '" + cidr + "'");
        }
        InetAddress net = literal(cidr.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a network in CIDR notation: '" + cidr + "'", e);
        }
        if (net == null || bits < 0 || bits > net.getAddress().length * 8) {
            throw new IllegalArgumentException("not a network in CIDR notation: '" + cidr + "'");
        }
        return new Object[] {net, bits};
    }
}
