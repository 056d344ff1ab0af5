package io.hostwatch.service.resources;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.OperatorAction;
import jakarta.servlet.http.HttpServletRequest;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.OperatorStore;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code GET /v1/groups/{group}/brake} shows a group's mass-failure brake; {@code DELETE} releases
 * it (an operator's decision that the mass loss is real), after which verdicts of the group may be
 * actionable again.
 */
@Path("/v1/groups/{group}/brake")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class BrakeResource {
    private static final Logger LOG = LoggerFactory.getLogger(BrakeResource.class);

    private final ClusterView view;
    private final OperatorStore store;
    private final Clock clock;

    private final Function<String, Optional<BrakeRecord>> unrecorded;

    public BrakeResource(ClusterView view, OperatorStore store, Clock clock) {
        this(view, store, clock, group -> Optional.empty());
    }

    /**
     * {@code unrecorded}: a brake the detector on this instance engaged but could not yet record
     * (shown by GET and releasable by DELETE like a recorded one).
     */
    public BrakeResource(ClusterView view, OperatorStore store, Clock clock,
                         Function<String, Optional<BrakeRecord>> unrecorded) {
        this.view = view;
        this.store = store;
        this.clock = clock;
        this.unrecorded = unrecorded;
    }

    private Optional<BrakeRecord> current(String group) {
        Optional<BrakeRecord> local = unrecorded.apply(group);
        return local.isPresent() ? local : view.brake(group);
    }

    @GET
    public BrakeRecord get(@PathParam("group") String group) {
        ApiErrors.group(group);
        return current(group).orElseThrow(() -> ApiErrors.error(Response.Status.NOT_FOUND,
                "the brake of group '" + group + "' has never engaged"));
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    public BrakeRecord release(@PathParam("group") String group, @Context SecurityContext security,
                               @Context HttpServletRequest http) {
        ApiErrors.group(group);
        OperatorAction action = Callers.action(OperatorAction.BRAKE_RELEASE, security, http, clock.instant());
        BrakeRecord released = store.releaseBrake(current(group).orElse(null), action);
        if (released == null) {
            throw ApiErrors.error(Response.Status.CONFLICT, "the brake of group '" + group + "' is not engaged");
        }
        LOG.warn("brake of group {} released by {} ({})", group, Printable.escapeReversibly(action.by()),
                action.requestId());
        return released;
    }
}
