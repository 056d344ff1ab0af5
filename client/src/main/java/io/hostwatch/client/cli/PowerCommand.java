package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.MemberId;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostwatch power GROUP HOST status|on}: a fenced member's power through its BMC. hostwatch
 * powers hosts off (out-of-band fencing) but never on: switching a host back on is this verb.
 */
@Command(name = "power", mixinStandardHelpOptions = true, versionProvider = HostwatchCli.Version.class,
        description = {"Power of a member of a fenced group, through its BMC: 'status' asks the BMC now, 'on' "
                + "switches the host back on (hostwatch never does that by itself).",
                "GET /v1/groups/GROUP/members/HOST/power, POST .../power/on."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:unknown member, or its group has no fencing configured",
            "2:bad usage or bad group/host name", "3:service not reachable at --url, or unavailable",
            "4:not allowed: no or invalid credentials, or a role without the permission",
            "5:BMC unavailable: the service answered but the member's BMC did not (HTTP 502); power state unknown"})
public final class PowerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
    String group;

    @Parameters(index = "1", paramLabel = "HOST", description = "Host name.")
    String host;

    @Parameters(index = "2", paramLabel = "status|on", description = "What to do.")
    String action;

    @Option(names = "--json", description = "Print the service's JSON.")
    boolean json;

    @Override
    public Integer call() {
        MemberId id = Args.member(group, host);
        String path = Args.memberPath(id) + "/power";
        if (!"status".equals(action) && !"on".equals(action)) {
            throw new CliException(ExitCodes.USAGE, "action must be status or on, got '"
                    + ServiceClient.oneLine(action) + "'");
        }
        String body;
        try {
            body = "on".equals(action) ? service.client().post(path + "/on") : service.client().get(path);
        } catch (CliException e) {
            throw bmcFailure(id, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body.strip());
        } else {
            JsonNode p = ServiceClient.tree(body);
            String power = p.path("power").asText("UNKNOWN");
            out.println(ServiceClient.oneLine(id.group() + "/" + id.host() + ": "
                    + ("on".equals(action) ? "power on requested; " : "power " + power + "; ")
                    + "BMC " + p.path("method").asText("-") + " " + p.path("bmc").asText("-") + " answered '"
                    + p.path("answer").asText("-") + "'"
                    + (p.path("fencing").isObject() ? "; fencing " + p.path("fencing").path("status").asText()
                    + " for incarnation " + p.path("fencing").path("incarnation").asText() : "")));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The service's 502 with its JSON error is the BMC's failure, not the service's: said so, with its
     * own exit status. Anything else (a proxy's 502 page, 503, no answer) stays as it was.
     */
    static CliException bmcFailure(MemberId id, CliException e) {
        if (e.httpStatus() != 502 || e.serviceMessage() == null) {
            return e;
        }
        return new CliException(ExitCodes.BMC_UNAVAILABLE, "BMC unavailable for " + id.group() + "/" + id.host()
                + ": " + e.serviceMessage() + " (the service answered 502; the host's power state is unknown)",
                e.httpStatus(), e.serviceMessage());
    }
}
