package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostwatch member GROUP HOST}: one member's verdict with the evidence of each signal. */
@Command(name = "member", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Shows one member's verdict: state, reason, since when, whether it is actionable and "
                + "when recovery is safe, and the evidence of each signal (heartbeat, ping, storage)."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:unknown member", "2:bad usage or bad group/host name", "3:service not reachable", "4:not allowed (credentials or role)"})
public final class MemberCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
    String group;

    @Parameters(index = "1", paramLabel = "HOST", description = "Host name.")
    String host;

    @Option(names = "--json", description = "Print the service's JSON (GET /v1/groups/GROUP/members/HOST).")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() {
        MemberId id = Args.member(group, host);
        String body = service.client().get(Args.memberPath(id));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body.strip());
            out.flush();
            return ExitCodes.OK;
        }
        Verdict v = ServiceClient.read(body, Verdict.class);
        VerdictText.printDetail(out, v, Style.forTerminal(noColor), Instant.now());
        JsonNode nova = ServiceClient.tree(body).path("nova");
        if (nova.isObject()) {
            StringBuilder line = new StringBuilder("nova:");
            for (Map.Entry<String, JsonNode> f : nova.properties()) {
                line.append(' ').append(f.getKey()).append('=').append(f.getValue().asText());
            }
            out.println(ServiceClient.oneLine(line.toString()));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
