package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostwatch history GROUP HOST [--limit N]}: the member's last verdict transitions, newest first. */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Shows the member's last verdict transitions (state, actionable or holds changed), newest "
                + "first: when, the new state, the detector epoch that published it, and why. The service keeps "
                + "the last history.size (default 100) per member in ZooKeeper, across leader changes; "
                + "--json includes each transition's evidence."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:unknown member", "2:bad usage, bad group/host name or limit", "3:service not reachable", "4:not allowed (credentials or role)"})
public final class HistoryCommand implements Callable<Integer> {
    static final int MAX_LIMIT = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
    String group;

    @Parameters(index = "1", paramLabel = "HOST", description = "Host name.")
    String host;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "How many transitions, 1 to " + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the service's JSON (GET /v1/groups/GROUP/members/HOST/history), "
            + "with each transition's evidence.")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--limit must be from 1 to " + MAX_LIMIT + ", not "
                    + limit);
        }
        MemberId id = Args.member(group, host);
        String body = service.client().get(Args.memberPath(id) + "/history?limit=" + limit);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body.strip());
            out.flush();
            return ExitCodes.OK;
        }
        Style style = Style.forTerminal(noColor);
        Table table = new Table("WHEN", "STATE", "EPOCH", "REASON");
        boolean actionable = false;
        for (JsonNode t : ServiceClient.tree(body).path("transitions")) {
            Verdict v = ServiceClient.read(t.toString(), Verdict.class);
            actionable |= v.actionable();
            table.row(List.of(VerdictText.time(v.updatedAt() != null ? v.updatedAt() : v.since()),
                    VerdictText.shortState(v), Long.toString(v.epoch()), (v.reason() == null ? "-" : v.reason())
                            + (v.operatorAction() == null ? "" : " [" + VerdictText.operatorAction(v.operatorAction())
                            + "]")),
                    Arrays.asList(null, style.code(v.state(), v.actionable())));
        }
        if (table.isEmpty()) {
            out.println("no transitions recorded for " + id);
            out.flush();
            return ExitCodes.OK;
        }
        table.print(out, style);
        if (actionable) {
            out.println("* actionable: recovery was safe");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
