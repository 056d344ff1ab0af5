package io.hostwatch.service.resources;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.api.PowerState;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.hostwatch.service.fencing.BmcException;
import io.hostwatch.service.fencing.BmcTargets;
import io.hostwatch.service.fencing.FencingIntegration;
import io.hostwatch.service.fencing.PowerManagement;
import io.hostwatch.service.zk.ClusterView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/groups/{group}/members/{host}/power}: the power state the member's BMC reports
 * now, with its fencing record. {@code POST .../power/on}: the operator switches a fenced host
 * back on; hostwatch itself never does. Only members of fenced groups have a BMC (409 otherwise);
 * a BMC that does not answer gives 502 with the reason. Reading needs the reader role, the
 * power-on the operator role; every power-on is logged with who asked.
 */
@Path("/v1/groups/{group}/members/{host}/power")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class PowerResource {
    private static final Logger LOG = LoggerFactory.getLogger(PowerResource.class);

    private final ClusterView view;
    private final FencingIntegration fencing;

    public PowerResource(ClusterView view, FencingIntegration fencing) {
        this.view = view;
        this.fencing = fencing;
    }

    @GET
    public PowerState get(@PathParam("group") String group, @PathParam("host") String host) {
        MemberId id = known(group, host);
        PowerManagement bmc = bmc(id);
        try {
            PowerManagement.Reading r = bmc.status();
            return state(id, bmc, r.power(), r.answer(), null);
        } catch (BmcException e) {
            throw ApiErrors.error(Response.Status.BAD_GATEWAY, e.getMessage());
        }
    }

    @POST
    @Path("on")
    @RolesAllowed(Roles.OPERATOR)
    public PowerState on(@PathParam("group") String group, @PathParam("host") String host,
                         @Context SecurityContext security) {
        MemberId id = known(group, host);
        PowerManagement bmc = bmc(id);
        String who = Callers.who(security);
        LOG.warn("{}: power on through its BMC ({} {}) at the request of {}", id, bmc.method(), bmc.target(),
                Printable.escapeReversibly(who));
        try {
            String answer = bmc.powerOn();
            return state(id, bmc, SignalStatus.Power.UNKNOWN, answer, null);
        } catch (BmcException e) {
            throw ApiErrors.error(Response.Status.BAD_GATEWAY, e.getMessage());
        }
    }

    private PowerState state(MemberId id, PowerManagement bmc, SignalStatus.Power power, String answer,
                             String error) {
        return new PowerState(id.group(), id.host(), bmc.method(), bmc.target(), power, answer, error,
                fencing.record(id).orElse(null));
    }

    private PowerManagement bmc(MemberId id) {
        BmcTargets.Target t = fencing.bmc(id).orElseThrow(() -> ApiErrors.error(Response.Status.CONFLICT,
                "group " + id.group() + " has no out-of-band fencing configured (fencing.groups)"));
        if (t.bmc() == null) {
            throw ApiErrors.error(Response.Status.CONFLICT, "no usable BMC for " + id + ": " + t.problem());
        }
        return t.bmc();
    }

    private MemberId known(String group, String host) {
        MemberId id = ApiErrors.member(group, host);
        if (view.verdict(id).isEmpty() && view.registration(id).isEmpty()) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "unknown member " + id);
        }
        return id;
    }
}
