package io.hostwatch.service.resources;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.api.MemberHistory;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictHistory;
import io.hostwatch.service.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /v1/groups/{group}/members/{host}/history?limit=N}: the member's last verdict
 * transitions with their evidence, newest first. {@code limit} defaults to {@value #DEFAULT_LIMIT}
 * and may be 1 to {@value #MAX_LIMIT} (the service keeps {@code history.size} per member). A bad
 * name or limit is 400, a member with neither a verdict, a registration nor a history 404, and
 * 503 while this instance is not connected to ZooKeeper (the history is read from ZooKeeper, not
 * from the cache).
 */
@Path("/v1/groups/{group}/members/{host}/history")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class HistoryResource {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 1000;

    private final ClusterView view;
    private final VerdictHistory history;
    private final BooleanSupplier connected;

    public HistoryResource(ClusterView view, VerdictHistory history, BooleanSupplier connected) {
        this.view = view;
        this.history = history;
        this.connected = connected;
    }

    @GET
    public MemberHistory history(@PathParam("group") String group, @PathParam("host") String host,
                                 @QueryParam("limit") String limit) {
        MemberId id = ApiErrors.member(group, host);
        int n = limit(limit);
        if (!connected.getAsBoolean()) {
            throw ApiErrors.error(Response.Status.SERVICE_UNAVAILABLE, "not connected to ZooKeeper: "
                    + "the history of " + id + " cannot be read now");
        }
        List<Verdict> transitions;
        try {
            transitions = history.newestFirst(id, n);
        } catch (HostwatchException e) {
            throw ApiErrors.error(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
        }
        if (transitions.isEmpty() && view.verdict(id).isEmpty() && view.registration(id).isEmpty()) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "unknown member " + id);
        }
        return new MemberHistory(id.group(), id.host(), transitions);
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit.strip());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiErrors.error(Response.Status.BAD_REQUEST, "limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
