package io.hostwatch.service.nova;

import java.util.Map;

/**
 * Maps a hostwatch host name to the host name of its {@code nova-compute} service. Nova matches
 * the {@code host} filter exactly, so a short name does not find a service registered under its
 * FQDN: an explicit map entry wins, else the suffix is appended, else the name is used as it is.
 */
public final class HostNameMapping {
    private final String suffix;
    private final Map<String, String> explicit;

    public HostNameMapping(String suffix, Map<String, String> explicit) {
        this.suffix = suffix == null ? "" : suffix.strip();
        this.explicit = Map.copyOf(explicit == null ? Map.of() : explicit);
        this.explicit.forEach((k, v) -> {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("nova.hostMap entry for " + k + " is empty");
            }
        });
    }

    public static HostNameMapping identity() {
        return new HostNameMapping(null, Map.of());
    }

    /** The Nova service host of hostwatch host {@code host}. */
    public String novaHost(String host) {
        String mapped = explicit.get(host);
        return mapped != null ? mapped.strip() : host + suffix;
    }
}
