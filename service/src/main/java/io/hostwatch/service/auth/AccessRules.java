package io.hostwatch.service.auth;

import java.util.List;
import java.util.Locale;

/** Which permission a request needs; null = none (anonymous access). */
@FunctionalInterface
public interface AccessRules {
    String required(String method, String path);

    /**
     * The dashboard's static shell, readable without credentials: it holds no data, and a browser
     * cannot send a Keystone token when it navigates, so the page must load before the operator can
     * paste one (the page sends it with each API call). Exact paths only: anything else under
     * {@code /ui}, e.g. with {@code ..} in it, needs the reader permission as usual.
     */
    List<String> DASHBOARD_SHELL = List.of("/ui", "/ui/", "/ui/index.html", "/ui/dashboard.css", "/ui/dashboard.js");

    /**
     * The REST port: reading (GET, HEAD, OPTIONS) needs {@link Roles#READER}, anything else
     * {@link Roles#OPERATOR}; reading the {@link #DASHBOARD_SHELL} needs nothing.
     */
    static AccessRules restPort() {
        return (method, path) -> isRead(method) ? (DASHBOARD_SHELL.contains(path) ? null : Roles.READER)
                : Roles.OPERATOR;
    }

    /**
     * The admin port when exposed: {@code anonymous} paths (exactly, or below them) need nothing,
     * {@code /tasks} needs {@link Roles#OPERATOR} whatever the method, the rest {@link Roles#READER}.
     */
    static AccessRules adminPort(List<String> anonymous) {
        return (method, path) -> {
            if (path.equals("/tasks") || path.startsWith("/tasks/")) {
                return Roles.OPERATOR;
            }
            for (String p : anonymous) {
                if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                    return isRead(method) ? null : Roles.OPERATOR;
                }
            }
            return isRead(method) ? Roles.READER : Roles.OPERATOR;
        };
    }

    private static boolean isRead(String method) {
        String m = method.toUpperCase(Locale.ROOT);
        return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
    }
}
