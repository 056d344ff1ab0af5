package io.hostwatch.service.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.service.HostwatchConfiguration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secure by default, like etcd, for the ZooKeeper side (the REST and admin ports follow the same
 * rule in {@code auth.ListenPolicy}): without {@code zookeeper.tls} the embedded ZooKeeper listens
 * on 127.0.0.1 only, and the service says once that it runs unprotected. Any other address
 * without TLS needs {@code security.allowInsecure: true}, which is logged as a warning at every
 * start and shown in {@code GET /v1/detector} under {@code security.zookeeper}.
 */
public final class SecurityPosture {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityPosture.class);
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * What {@code GET /v1/detector} shows under {@code security.zookeeper}.
     *
     * @param tls the service speaks TLS with its identity to ZooKeeper (and the embedded server serves TLS only)
     * @param identity the service's ZooKeeper identity (its certificate's subject), when TLS is on
     * @param exposures listeners beyond loopback without TLS (only possible with allowInsecure)
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Status(boolean tls, String identity, List<String> exposures) {
    }

    private final Status status;

    private SecurityPosture(Status status) {
        this.status = status;
    }

    public Status status() {
        return status;
    }

    /**
     * Applies the loopback default to the embedded ZooKeeper's address and checks it.
     *
     * @param identity the service's ZooKeeper identity, or null without TLS
     * @throws HostwatchException when the embedded ZooKeeper would listen beyond loopback without
     *         TLS and {@code security.allowInsecure} is not set; nothing has been started then
     */
    public static SecurityPosture apply(HostwatchConfiguration config, String identity) {
        boolean tls = config.getZookeeper().tlsEnabled();
        boolean allowInsecure = config.getSecurity().allowInsecure;
        List<String> exposures = new ArrayList<>();
        HostwatchConfiguration.ZooKeeper zk = config.getZookeeper();
        boolean embedded = zk.connectString == null || zk.connectString.isBlank();
        if (embedded && !tls) {
            if (zk.embedded.address == null || zk.embedded.address.isBlank()) {
                zk.embedded.address = LOOPBACK;
            } else if (!isLoopback(zk.embedded.address)) {
                exposures.add("embedded ZooKeeper on " + zk.embedded.address + ":" + zk.embedded.port
                        + " without TLS: any client can write verdicts");
            }
        }
        if (!exposures.isEmpty() && !allowInsecure) {
            throw new HostwatchException("refusing to listen beyond loopback without TLS: " + String.join("; ",
                    exposures) + ". Configure zookeeper.tls (docs/security.md), listen on 127.0.0.1, or set "
                    + "security.allowInsecure: true to accept the risk");
        }
        if (!exposures.isEmpty()) {
            for (String exposure : exposures) {
                LOG.warn("INSECURE (security.allowInsecure is set): {}", exposure);
            }
        } else if (!tls) {
            LOG.warn("running unprotected: ZooKeeper without TLS or identities{}; see docs/security.md for the "
                    + "protected set-up", embedded ? ", so the embedded ZooKeeper listens on " + LOOPBACK + " only" : "");
        }
        if (!embedded && !tls) {
            LOG.warn("the ZooKeeper ensemble {} is spoken to without TLS or identity: whoever reaches it can "
                    + "forge verdicts", zk.connectString);
        }
        return new SecurityPosture(new Status(tls, identity, List.copyOf(exposures)));
    }

    static boolean isLoopback(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
}
