package io.hostwatch.service.auth;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Secure defaults for where the REST and admin ports listen, applied to the server configuration
 * before the server is built:
 * <ul>
 * <li>Unprotected ({@code auth.type: none}) the REST port listens on 127.0.0.1 unless a bind host
 *     is given; a non-loopback bind host then needs {@code security.allowInsecure}.</li>
 * <li>The admin port listens on 127.0.0.1 unless a bind host is given; exposing it needs
 *     {@code auth.type} keystone or mtls (tasks then need the operator permission), or
 *     {@code security.allowInsecure}.</li>
 * <li>{@code auth.type: mtls} needs every REST connector to be https with
 *     {@code needClientAuth: true}.</li>
 * </ul>
 * With {@code security.allowInsecure} an unset bind host means all interfaces, as in plain Dropwizard.
 */
public final class ListenPolicy {
    public static final String LOOPBACK = "127.0.0.1";

    private ListenPolicy() {
    }

    /** What was decided: warnings to log at every start and show in {@code GET /v1/detector}. */
    public record Outcome(List<String> warnings, List<String> rest, List<String> admin) {
    }

    /**
     * Applies the defaults to {@code server}'s connectors.
     *
     * @throws IllegalStateException when the configuration would expose a port unprotected
     */
    public static Outcome apply(ServerFactory server, AuthConfiguration auth, boolean allowInsecure) {
        List<ConnectorFactory> rest;
        List<ConnectorFactory> admin;
        if (server instanceof DefaultServerFactory d) {
            rest = d.getApplicationConnectors();
            admin = d.getAdminConnectors();
        } else if (server instanceof SimpleServerFactory s) {
            rest = List.of(s.getConnector());
            admin = List.of();
        } else {
            throw new IllegalStateException("unsupported server type " + server.getClass().getSimpleName());
        }
        boolean protectedRest = !auth.isNone();
        List<String> warnings = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> restListen = new ArrayList<>();
        for (ConnectorFactory c : rest) {
            if (!(c instanceof HttpConnectorFactory h)) {
                problems.add("unsupported REST connector " + c.getClass().getSimpleName());
                continue;
            }
            boolean https = h instanceof HttpsConnectorFactory;
            if (AuthConfiguration.MTLS.equals(auth.type) && !(h instanceof HttpsConnectorFactory s
                    && Boolean.TRUE.equals(s.getNeedClientAuth()))) {
                problems.add("auth.type mtls needs every REST connector to be https with needClientAuth: true"
                        + " (port " + h.getPort() + " is not)");
            }
            if (!protectedRest) {
                defaultOrCheck(h, "REST", allowInsecure, warnings, problems);
            } else if (!https && !isLoopback(h.getBindHost())) {
                warnings.add("REST port " + h.getPort() + " is plain HTTP on " + shown(h.getBindHost())
                        + ": Keystone tokens travel in clear text; use an https connector");
            }
            restListen.add((https ? "https://" : "http://") + shown(h.getBindHost()) + ":" + h.getPort());
        }
        List<String> adminListen = new ArrayList<>();
        for (ConnectorFactory c : admin) {
            if (!(c instanceof HttpConnectorFactory h)) {
                problems.add("unsupported admin connector " + c.getClass().getSimpleName());
                continue;
            }
            if (protectedRest) {
                if (h.getBindHost() == null || h.getBindHost().isBlank()) {
                    h.setBindHost(LOOPBACK);
                }
            } else {
                defaultOrCheck(h, "admin", allowInsecure, warnings, problems);
            }
            adminListen.add((h instanceof HttpsConnectorFactory ? "https://" : "http://") + shown(h.getBindHost())
                    + ":" + h.getPort());
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        return new Outcome(List.copyOf(warnings), List.copyOf(restListen), List.copyOf(adminListen));
    }

    private static void defaultOrCheck(HttpConnectorFactory h, String port, boolean allowInsecure,
                                       List<String> warnings, List<String> problems) {
        String host = h.getBindHost();
        if (host == null || host.isBlank()) {
            if (allowInsecure) {
                warnings.add(port + " port " + h.getPort() + " listens on all interfaces without authentication"
                        + " (security.allowInsecure)");
            } else {
                h.setBindHost(LOOPBACK);
            }
        } else if (!isLoopback(host)) {
            if (allowInsecure) {
                warnings.add(port + " port " + h.getPort() + " listens on " + host + " without authentication"
                        + " (security.allowInsecure)");
            } else {
                problems.add(port + " port " + h.getPort() + " would listen on " + host + " without"
                        + " authentication: set auth.type (keystone or mtls), listen on 127.0.0.1, or set"
                        + " security.allowInsecure: true");
            }
        }
    }

    static boolean isLoopback(String host) {
        return host != null && (host.equals("localhost") || host.equals("::1") || host.equals("[::1]")
                || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"));
    }

    private static String shown(String host) {
        return host == null || host.isBlank() ? "0.0.0.0" : host;
    }
}
