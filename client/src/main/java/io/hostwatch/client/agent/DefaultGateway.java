package io.hostwatch.client.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's IPv4 default gateways, read from the kernel's routing table ({@code /proc/net/route}):
 * the default isolation addresses of the agent. IPv6 gateways are not read; configure them as
 * isolation addresses.
 */
final class DefaultGateway implements Supplier<List<InetAddress>> {
    static final Path PROC_NET_ROUTE = Path.of("/proc/net/route");
    private static final Logger log = LoggerFactory.getLogger(DefaultGateway.class);
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private final Path routeFile;

    DefaultGateway(Path routeFile) {
        this.routeFile = routeFile;
    }

    /** The gateways of every default route that is up, lowest metric first; empty when there is none. */
    @Override
    public List<InetAddress> get() {
        try {
            return parse(Files.readAllLines(routeFile, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            log.debug("cannot read {}: {}", routeFile, e.toString());
            return List.of();
        }
    }

    /**
     * Parses the table. Each row holds 32-bit values in hex as the kernel keeps them, in host byte
     * order: {@code eth0 00000000 010200C0 0003 0 0 0 00000000 ...} is a default route (destination
     * and mask 0, flags UP|GATEWAY) via 192.0.2.1 on a little-endian machine.
     */
    static List<InetAddress> parse(List<String> lines) {
        record Route(InetAddress gateway, long metric) {
        }
        List<Route> routes = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 8 || f[0].equals("Iface")) {
                continue;
            }
            try {
                int destination = (int) Long.parseLong(f[1], 16);
                int gateway = (int) Long.parseLong(f[2], 16);
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                int mask = (int) Long.parseLong(f[7], 16);
                if (destination != 0 || mask != 0 || gateway == 0
                        || (flags & (RTF_UP | RTF_GATEWAY)) != (RTF_UP | RTF_GATEWAY)) {
                    continue;
                }
                byte[] address = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(gateway).array();
                InetAddress parsed = InetAddress.getByAddress(address);
                if (routes.stream().noneMatch(r -> r.gateway.equals(parsed))) {
                    routes.add(new Route(parsed, metric));
                }
            } catch (NumberFormatException | UnknownHostException e) {
                log.debug("skipping route line '{}': {}", line, e.toString());
            }
        }
        routes.sort(Comparator.comparingLong(Route::metric));
        return routes.stream().map(Route::gateway).toList();
    }
}
