package io.hostwatch.schema;

/**
 * One member: a host in a service group. Both parts are validated on construction, so a
 * {@code MemberId} can be put into a path without further checks.
 */
public record MemberId(String group, String host) implements Comparable<MemberId> {
    public MemberId {
        Names.group(group);
        Names.host(host);
    }

    public static MemberId of(String group, String host) {
        return new MemberId(group, host);
    }

    @Override
    public int compareTo(MemberId other) {
        int byGroup = group.compareTo(other.group);
        return byGroup != 0 ? byGroup : host.compareTo(other.host);
    }

    @Override
    public String toString() {
        return group + "/" + host;
    }
}
