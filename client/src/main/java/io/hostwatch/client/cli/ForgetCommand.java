package io.hostwatch.client.cli;

import io.hostwatch.schema.MemberId;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostwatch forget GROUP HOST}: decommissions a member whose agent is gone for good. */
@Command(name = "forget", mixinStandardHelpOptions = true, versionProvider = HostwatchCli.Version.class,
        description = {"Decommissions a member: its verdict, verdict history and maintenance mark are deleted "
                + "and no service instance probes it or reads its storage slot any more "
                + "(DELETE /v1/groups/GROUP/members/HOST). Refused while its heartbeat is present: stop its "
                + "agent first."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:forgotten", "1:unknown member, or its heartbeat is still present", "2:bad usage or bad group/host name",
            "3:service not reachable"})
public final class ForgetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
    String group;

    @Parameters(index = "1", paramLabel = "HOST", description = "Host name.")
    String host;

    @Override
    public Integer call() {
        MemberId id = Args.member(group, host);
        service.client().delete(Args.memberPath(id));
        PrintWriter out = spec.commandLine().getOut();
        out.println(id.group() + "/" + id.host() + ": forgotten (verdict, history and storage tracking removed)");
        out.flush();
        return ExitCodes.OK;
    }
}
