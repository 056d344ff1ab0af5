package io.hostwatch.service.resources;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.Printable;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.api.GroupList;
import io.hostwatch.service.api.GroupSummary;
import io.hostwatch.service.api.MemberDetail;
import io.hostwatch.service.api.MemberList;
import io.hostwatch.service.nova.NovaStatus;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.hostwatch.service.zk.OperatorStore;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/** {@code /v1/groups}, {@code /v1/groups/{group}/members} and {@code /v1/groups/{group}/members/{host}}. */
@Path("/v1/groups")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class GroupsResource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GroupsResource.class);
    private final ClusterView view;
    private final Function<MemberId, NovaStatus> nova;
    private final OperatorStore operators;

    public GroupsResource(ClusterView view) {
        this(view, id -> null);
    }

    /** {@code nova} gives a member's Nova action state, or null to leave it out (integration off). */
    public GroupsResource(ClusterView view, Function<MemberId, NovaStatus> nova) {
        this(view, nova, null);
    }

    /** {@code operators}: for decommissioning ({@code DELETE}); null refuses it. */
    public GroupsResource(ClusterView view, Function<MemberId, NovaStatus> nova, OperatorStore operators) {
        this.view = view;
        this.nova = nova;
        this.operators = operators;
    }

    /**
     * Decommissions a member: its verdict, history and maintenance are deleted and no instance
     * probes it any more. 409 while its heartbeat is present, 404 when nothing is known of it.
     */
    @DELETE
    @Path("/{group}/members/{host}")
    @RolesAllowed(Roles.OPERATOR)
    public Response forget(@PathParam("group") String group, @PathParam("host") String host,
                           @Context SecurityContext security, @Context HttpServletRequest http) {
        MemberId id = ApiErrors.member(group, host);
        if (operators == null) {
            throw ApiErrors.error(Response.Status.METHOD_NOT_ALLOWED, "decommissioning is not enabled");
        }
        OperatorAction action = Callers.action(OperatorAction.DECOMMISSION, security, http, Instant.now());
        return switch (operators.forget(id, action)) {
            case HEARTBEAT_PRESENT -> throw ApiErrors.error(Response.Status.CONFLICT, id
                    + " still has a heartbeat: stop its agent first");
            case UNKNOWN -> throw ApiErrors.error(Response.Status.NOT_FOUND, "unknown member " + id);
            case FORGOTTEN -> {
                LOG.info("{} decommissioned by {} ({})", id, Printable.escapeReversibly(action.by()),
                        action.requestId());
                yield Response.noContent().build();
            }
        };
    }

    @GET
    public GroupList groups() {
        List<GroupSummary> out = new ArrayList<>();
        for (String group : view.groups().keySet()) {
            List<Verdict> members = verdictsOf(group);
            Map<State, Integer> states = new EnumMap<>(State.class);
            members.forEach(v -> states.merge(v.state(), 1, Integer::sum));
            out.add(new GroupSummary(group, members.size(), states));
        }
        return new GroupList(out);
    }

    /**
     * Every member's verdict; {@code except} (repeatable, a state name) leaves out the members in
     * those states, so a poller of a large group can ask for what is not {@code RUNNING} only.
     * An unknown state is a 400.
     */
    @GET
    @Path("/{group}/members")
    public MemberList members(@PathParam("group") String group, @QueryParam("except") List<String> except) {
        ApiErrors.group(group);
        Set<State> left = states(except);
        List<Verdict> members = verdictsOf(group);
        if (members.isEmpty()) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "no members in group '" + group + "'");
        }
        if (!left.isEmpty()) {
            members.removeIf(v -> left.contains(v.state()));
        }
        return new MemberList(group, members);
    }

    private static Set<State> states(List<String> names) {
        Set<State> out = EnumSet.noneOf(State.class);
        for (String name : names == null ? List.<String>of() : names) {
            try {
                out.add(State.valueOf(name));
            } catch (IllegalArgumentException e) {
                String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
                throw ApiErrors.error(Response.Status.BAD_REQUEST, "except: unknown state '"
                        + shown.replaceAll("[^A-Za-z0-9_.-]", "?") + "' (one of " + EnumSet.allOf(State.class) + ")");
            }
        }
        return out;
    }

    @GET
    @Path("/{group}/members/{host}")
    public MemberDetail member(@PathParam("group") String group, @PathParam("host") String host) {
        MemberId id = ApiErrors.member(group, host);
        return new MemberDetail(verdictOf(id, view.verdict(id).orElse(null), view.registration(id).orElse(null)),
                nova.apply(id));
    }

    private List<Verdict> verdictsOf(String group) {
        SortedMap<MemberId, Verdict> verdicts = new TreeMap<>(view.group(group));
        for (Map.Entry<MemberId, MemberRegistration> e : view.registrations().entrySet()) {
            if (e.getKey().group().equals(group) && !verdicts.containsKey(e.getKey())) {
                verdicts.put(e.getKey(), verdictOf(e.getKey(), null, e.getValue()));
            }
        }
        return new ArrayList<>(verdicts.values());
    }

    /** The published verdict; for a member registered but not yet judged, its heartbeat alone. */
    private static Verdict verdictOf(MemberId id, Verdict verdict, MemberRegistration reg) {
        if (verdict != null) {
            return verdict;
        }
        if (reg == null) {
            throw ApiErrors.error(Response.Status.NOT_FOUND, "unknown member " + id);
        }
        return new Verdict(id.group(), id.host(), reg.address(), State.RUNNING,
                "heartbeat present (not yet published by the leader)", null, false, null, reg.incarnation(), -1,
                null, null);
    }
}
