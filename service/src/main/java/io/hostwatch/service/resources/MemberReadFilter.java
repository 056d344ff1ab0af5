package io.hostwatch.service.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostwatch.schema.InvalidNameException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.api.MemberDetail;
import io.hostwatch.service.auth.Roles;
import io.hostwatch.service.nova.NovaStatus;
import io.hostwatch.service.zk.ClusterView;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The hot read, {@code GET /v1/groups/{group}/members/{host}}, answered without Jersey: a servlet
 * filter on the REST port, mapped after the authentication filter (so the caller is already
 * identified and holds the reader permission), that writes the member's body from bytes serialized
 * once per published verdict and Nova action state (a new verdict is a new object in the
 * {@link ClusterView}, which invalidates the entry, as does a different Nova state). It answers only
 * the plain case, a published verdict read by a caller in the reader role; anything else (bad names,
 * unknown or not yet judged members, encoded paths, other methods or media types) goes on to {@link GroupsResource}
 * unchanged, so errors and bodies stay exactly those of the resource.
 */
public final class MemberReadFilter implements Filter {
    private static final String PREFIX = "/v1/groups/";
    private static final String MEMBERS = "/members/";

    private record Entry(Verdict verdict, NovaStatus nova, byte[] body) {
    }

    private final ClusterView view;
    private final Function<MemberId, NovaStatus> nova;
    private final ObjectMapper json;
    private final Map<MemberId, Entry> bodies = new ConcurrentHashMap<>();

    /** {@code json}: the mapper Jersey uses, so the bytes are the resource's. */
    public MemberReadFilter(ClusterView view, Function<MemberId, NovaStatus> nova, ObjectMapper json) {
        this.view = view;
        this.nova = nova;
        this.json = json;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        byte[] body = req instanceof HttpServletRequest request ? answer(request) : null;
        if (body == null) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(200);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The body to send, or null to leave the request to the resource. */
    byte[] answer(HttpServletRequest request) {
        if (!"GET".equals(request.getMethod()) || !acceptsJson(request.getHeader("Accept"))) {
            return null;
        }
        MemberId id = memberOf(request);
        if (id == null || request.getUserPrincipal() == null || !request.isUserInRole(Roles.READER)) {
            return null;
        }
        Verdict verdict = view.verdict(id).orElse(null);
        if (verdict == null) {
            bodies.remove(id);
            return null;
        }
        NovaStatus status = nova.apply(id);
        Entry entry = bodies.get(id);
        if (entry == null || entry.verdict() != verdict || !Objects.equals(entry.nova(), status)) {
            try {
                entry = new Entry(verdict, status, json.writeValueAsBytes(new MemberDetail(verdict, status)));
            } catch (JsonProcessingException e) {
                return null;
            }
            bodies.put(id, entry);
        }
        return entry.body();
    }

    /** The member a plain {@code /v1/groups/{group}/members/{host}} names, or null. */
    static MemberId memberOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        if (context != null && !context.isEmpty()) {
            if (!uri.startsWith(context)) {
                return null;
            }
            uri = uri.substring(context.length());
        }
        if (!uri.startsWith(PREFIX) || uri.indexOf('%') >= 0 || uri.indexOf(';') >= 0) {
            return null;
        }
        int members = uri.indexOf(MEMBERS, PREFIX.length());
        if (members <= PREFIX.length()) {
            return null;
        }
        String group = uri.substring(PREFIX.length(), members);
        String host = uri.substring(members + MEMBERS.length());
        if (group.indexOf('/') >= 0 || host.isEmpty() || host.indexOf('/') >= 0) {
            return null;
        }
        try {
            return new MemberId(group, host);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static boolean acceptsJson(String accept) {
        return accept == null || accept.isBlank() || accept.equals("*/*") || accept.equals("application/json")
                || accept.contains("application/json") && !accept.contains(";q=0") && !accept.contains("; q=0");
    }
}
