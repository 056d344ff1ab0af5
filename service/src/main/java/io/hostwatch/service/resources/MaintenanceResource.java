package io.hostwatch.service.resources;

import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.OperatorAction;
import jakarta.servlet.http.HttpServletRequest;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.api.MaintenanceRequest;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.OperatorStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|PUT|DELETE /v1/groups/{group}/members/{host}/maintenance}. Only a known member can be
 * put in maintenance; a bad name, an unknown member or a bad body changes nothing. Setting it
 * records the caller and the request ({@code setBy}, {@code setAt}, {@code requestId}); ending it
 * keeps the record with the ending call in {@code ended}, so the leader's verdict (and its history
 * entry) names who ended it.
 */
@Path("/v1/groups/{group}/members/{host}/maintenance")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class MaintenanceResource {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceResource.class);
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private final ClusterView view;
    private final OperatorStore store;
    private final Clock clock;

    public MaintenanceResource(ClusterView view, OperatorStore store, Clock clock) {
        this.view = view;
        this.store = store;
        this.clock = clock;
    }

    @GET
    public Maintenance get(@PathParam("group") String group, @PathParam("host") String host) {
        MemberId id = known(group, host);
        return view.maintenance(id).filter(m -> m.ended() == null).orElseThrow(() -> ApiErrors.error(
                Response.Status.NOT_FOUND, "member " + id + " is not in maintenance"));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Maintenance put(@PathParam("group") String group, @PathParam("host") String host,
                           MaintenanceRequest request, @Context SecurityContext security,
                           @Context HttpServletRequest http) {
        MemberId id = known(group, host);
        Instant now = clock.instant();
        String reason = request == null || request.reason() == null || request.reason().isBlank()
                ? "maintenance" : request.reason().strip();
        if (reason.length() > Maintenance.MAX_REASON) {
            throw ApiErrors.error(Response.Status.BAD_REQUEST, "reason is longer than " + Maintenance.MAX_REASON
                    + " characters");
        }
        if (reason.chars().anyMatch(c -> Printable.isControl((char) c))) {
            throw ApiErrors.error(Response.Status.BAD_REQUEST,
                    "reason contains control or bidirectional formatting characters");
        }
        Instant expiresAt = request == null ? null : request.expiresAt();
        if (request != null && request.duration() != null) {
            if (expiresAt != null) {
                throw ApiErrors.error(Response.Status.BAD_REQUEST, "give either 'for' or 'expiresAt', not both");
            }
            expiresAt = now.plus(parseDuration(request.duration()));
        }
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw ApiErrors.error(Response.Status.BAD_REQUEST, "expiry " + expiresAt + " is not in the future");
        }
        Maintenance m = new Maintenance(id.group(), id.host(), reason,
                view.maintenance(id).filter(x -> x.inForce(now)).map(Maintenance::since).orElse(now), expiresAt,
                Callers.who(security), now, Callers.requestId(http), null);
        store.setMaintenance(m);
        LOG.info("maintenance of {} set by {} ({}): {}", id, Printable.escapeReversibly(m.setBy()), m.requestId(),
                Printable.escapeReversibly(reason));
        return m;
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    public Response delete(@PathParam("group") String group, @PathParam("host") String host,
                           @Context SecurityContext security, @Context HttpServletRequest http) {
        MemberId id = known(group, host);
        OperatorAction action = Callers.action(OperatorAction.MAINTENANCE_OFF, security, http, clock.instant());
        if (!store.endMaintenance(id, action)) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "member " + id + " is not in maintenance");
        }
        LOG.info("maintenance of {} ended by {} ({})", id, Printable.escapeReversibly(action.by()), action.requestId());
        return Response.noContent().build();
    }

    private MemberId known(String group, String host) {
        MemberId id = ApiErrors.member(group, host);
        if (view.verdict(id).isEmpty() && view.registration(id).isEmpty()) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "unknown member " + id);
        }
        return id;
    }

    /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT2H}); at most a year. */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SHORT.matcher(t);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                d = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ApiErrors.error(Response.Status.BAD_REQUEST, "'for' must be a duration like 30m, 2h or PT2H");
        }
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(366)) > 0) {
            throw ApiErrors.error(Response.Status.BAD_REQUEST, "'for' must be between 1 ms and 366 days");
        }
        return d;
    }
}
