package io.hostwatch.service.resources;

import io.hostwatch.schema.EnrollmentRecord;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.api.Enrollment;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.auth.Roles;
import io.hostwatch.service.zk.EnrollmentStore;
import jakarta.annotation.security.RolesAllowed;
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
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET|PUT|DELETE /v1/groups/{group}/members/{host}/enrollment}: an operator enrolls a host
 * (creates its node with CREATE/DELETE for that host's identity, docs/security.md) or removes
 * it. Idempotent; a bad name changes nothing. The enrollment node keeps who enrolled the host, when
 * and in which request ({@link EnrollmentRecord}).
 */
@Path("/v1/groups/{group}/members/{host}/enrollment")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class EnrollmentResource {
    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentResource.class);

    private final EnrollmentStore store;
    private final Clock clock;

    public EnrollmentResource(EnrollmentStore store) {
        this(store, Clock.systemUTC());
    }

    public EnrollmentResource(EnrollmentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GET
    public Enrollment get(@PathParam("group") String group, @PathParam("host") String host) {
        MemberId id = ApiErrors.member(group, host);
        if (!store.isEnrolled(id)) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "host " + id + " is not enrolled");
        }
        return Enrollment.of(id, store.identity(id), false, store.record(id).orElse(null));
    }

    @PUT
    @RolesAllowed(Roles.OPERATOR)
    public Response put(@PathParam("group") String group, @PathParam("host") String host,
                        @Context SecurityContext security, @Context HttpServletRequest http) {
        MemberId id = ApiErrors.member(group, host);
        EnrollmentRecord record = new EnrollmentRecord(id.group(), id.host(), Callers.who(security), clock.instant(),
                Callers.requestId(http), null);
        boolean created = store.enroll(id, record);
        LOG.info("{} {} by {} ({})", id, created ? "enrolled" : "enrolled again",
                Printable.escapeReversibly(record.setBy()), record.requestId());
        Enrollment body = Enrollment.of(id, store.identity(id), created, record);
        return Response.status(created ? Response.Status.CREATED : Response.Status.OK).entity(body).build();
    }

    @DELETE
    @RolesAllowed(Roles.OPERATOR)
    public Response delete(@PathParam("group") String group, @PathParam("host") String host,
                           @Context SecurityContext security, @Context HttpServletRequest http) {
        MemberId id = ApiErrors.member(group, host);
        if (!store.unenroll(id)) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "host " + id + " is not enrolled");
        }
        LOG.info("enrollment of {} removed by {} ({})", id, Printable.escapeReversibly(Callers.who(security)),
                Callers.requestId(http));
        return Response.noContent().build();
    }
}
