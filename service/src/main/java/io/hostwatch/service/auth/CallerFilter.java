package io.hostwatch.service.auth;

import io.dropwizard.auth.AuthenticationException;
import io.dropwizard.auth.Authorizer;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Printable;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.Principal;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of every resource of a port (a servlet filter on {@code /*}, so the JAX-RS API, the
 * dashboard's static files and admin servlets alike): identifies the caller, answers 401 (with
 * {@code WWW-Authenticate}) without valid credentials, 403 without the permission the request
 * needs, 503 when credentials cannot be checked now; otherwise passes the request on with the
 * caller as its user principal, so {@code @RolesAllowed} and resources see it. Every request that
 * is not a read is logged on {@code hostwatch.audit} with its caller, outcome and request id. Every
 * request gets an id ({@code req-UUID}, as OpenStack services give theirs), answered in
 * {@code X-OpenStack-Request-Id}; the records an operator's call changes keep it with the caller.
 */
public final class CallerFilter implements Filter {
    /** The most of a refused request's body that is read to keep its connection usable. */
    static final long DRAIN_LIMIT = 64 * 1024;

    /** Request attribute holding the {@link Caller}. */
    public static final String CALLER = Caller.class.getName();
    /** Request attribute holding the request id. */
    public static final String REQUEST_ID = CallerFilter.class.getName() + ".requestId";
    /** The answer header carrying the request id, as OpenStack's services name it. */
    public static final String REQUEST_ID_HEADER = "X-OpenStack-Request-Id";
    private static final Logger AUDIT = LoggerFactory.getLogger("hostwatch.audit");

    private final CallerIdentifier identifier;
    private final Authorizer<Caller> authorizer;
    private final AccessRules rules;

    public CallerFilter(CallerIdentifier identifier, Authorizer<Caller> authorizer, AccessRules rules) {
        this.identifier = identifier;
        this.authorizer = authorizer;
        this.rules = rules;
    }

    /** The id this filter gave a request, or null when it did not pass here. */
    public static String requestId(HttpServletRequest request) {
        return request.getAttribute(REQUEST_ID) instanceof String id ? id : null;
    }

    /** The caller of a request that passed this filter, or null. */
    public static Caller caller(HttpServletRequest request) {
        return request.getAttribute(CALLER) instanceof Caller c ? c : null;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String method = request.getMethod();
        String path = path(request);
        String requestId = "req-" + UUID.randomUUID();
        request.setAttribute(REQUEST_ID, requestId);
        response.setHeader(REQUEST_ID_HEADER, requestId);
        String needed = rules.required(method, path);
        if (needed == null) {
            chain.doFilter(req, res);
            return;
        }
        Optional<Caller> found;
        try {
            found = identifier.identify(request);
        } catch (AuthenticationException e) {
            AUDIT.warn("{} {} from {}: credentials not checked: {} ({})", method,
                    Printable.escapeReversibly(path), request.getRemoteAddr(),
                    Printable.escapeReversibly(e.getMessage()), requestId);
            error(request, response, 503, "cannot check credentials now: " + e.getMessage());
            return;
        }
        if (found.isEmpty()) {
            if (!isRead(method)) {
                AUDIT.info("{} {} from {}: 401 (no valid credentials) ({})", method,
                        Printable.escapeReversibly(path), request.getRemoteAddr(), requestId);
            }
            String challenge = identifier.challenge();
            if (challenge != null) {
                response.setHeader("WWW-Authenticate", challenge);
            }
            error(request, response, 401, "authentication required: "
                    + (challenge != null ? "a valid Keystone token in X-Auth-Token" : "a client certificate"));
            return;
        }
        Caller caller = found.get();
        if (!authorizer.authorize(caller, needed, null)) {
            AUDIT.info("{} {} by {} from {}: 403 (needs the {} permission) ({})", method,
                    Printable.escapeReversibly(path), Printable.escapeReversibly(caller.audit()),
                    request.getRemoteAddr(), needed, requestId);
            error(request, response, 403, caller.audit() + " may not " + (Roles.READER.equals(needed) ? "read" : "change")
                    + " this: it needs the " + needed + " permission (see auth.* in the configuration)");
            return;
        }
        request.setAttribute(CALLER, caller);
        chain.doFilter(new Authenticated(request, caller, authorizer), res);
        if (!isRead(method)) {
            AUDIT.info("{} {} by {} from {}: {} ({})", method, Printable.escapeReversibly(path),
                    Printable.escapeReversibly(caller.audit()), request.getRemoteAddr(), response.getStatus(),
                    requestId);
        }
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (context != null && !context.isEmpty() && uri.startsWith(context)) {
            uri = uri.substring(context.length());
        }
        return uri.isEmpty() ? "/" : uri;
    }

    private static boolean isRead(String method) {
        String m = method.toUpperCase(Locale.ROOT);
        return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
    }

    /**
     * A refused request's body is read and dropped (up to {@link #DRAIN_LIMIT}) before the answer, so
     * the connection stays usable: an answer sent while the body is still unread makes the server
     * close the connection, and a client that already sent its next request on it sees no answer at
     * all. A larger body closes the connection, said so in the answer.
     */
    private static void drain(HttpServletRequest request, HttpServletResponse response) {
        long length = request.getContentLengthLong();
        if (length == 0 || (length < 0 && isRead(request.getMethod()))) {
            return;
        }
        if (length > DRAIN_LIMIT) {
            response.setHeader("Connection", "close");
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] buffer = new byte[8192];
            long left = DRAIN_LIMIT;
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) {
                left -= n;
            }
            if (left <= 0) {
                response.setHeader("Connection", "close");
            }
        } catch (IOException e) {
            response.setHeader("Connection", "close");
        }
    }

    private static void error(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        drain(request, response);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        byte[] body = Json.mapper().writeValueAsBytes(
                Json.mapper().createObjectNode().put("code", status).put("message", message));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The request as the resources see it: its user principal is the caller. */
    private static final class Authenticated extends HttpServletRequestWrapper {
        private final Caller caller;
        private final Authorizer<Caller> authorizer;

        Authenticated(HttpServletRequest request, Caller caller, Authorizer<Caller> authorizer) {
            super(request);
            this.caller = caller;
            this.authorizer = authorizer;
        }

        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public String getRemoteUser() {
            return caller.audit();
        }

        @Override
        public boolean isUserInRole(String role) {
            return authorizer.authorize(caller, role, null);
        }

        @Override
        public String getAuthType() {
            return caller.kind();
        }
    }
}
