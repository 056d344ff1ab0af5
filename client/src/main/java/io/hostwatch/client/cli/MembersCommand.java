package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.Verdict;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hostwatch members [GROUP]}: every member's verdict as a table. */
@Command(name = "members", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Lists every member's verdict: group, host, state, since when, and why.",
            "A state marked * is actionable (recovery is safe). Colour only on a terminal."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:no such group", "2:bad usage or bad group name", "3:service not reachable", "4:not allowed (credentials or role)"})
public final class MembersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", arity = "0..1", paramLabel = "GROUP", description = "Only this group (default: all).")
    String group;

    @Option(names = "--json", description = "Print the service's JSON: the body of GET /v1/groups/GROUP/members; "
            + "without GROUP, a JSON array of those bodies, one per group.")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() {
        ServiceClient client = service.client();
        List<String> bodies = new ArrayList<>();
        if (group != null) {
            bodies.add(client.get("/v1/groups/" + Args.group(group) + "/members"));
        } else {
            for (JsonNode g : ServiceClient.tree(client.get("/v1/groups")).path("groups")) {
                try {
                    bodies.add(client.get("/v1/groups/" + Args.group(g.path("name").asText()) + "/members"));
                } catch (CliException gone) {
                    if (gone.exitCode() != ExitCodes.NOT_FOUND) {
                        throw gone; // a group emptied since the list was read is skipped, nothing else
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(group != null ? bodies.get(0).strip() : "[" + String.join(",", bodies.stream()
                    .map(String::strip).toList()) + "]");
            out.flush();
            return ExitCodes.OK;
        }
        Style style = Style.forTerminal(noColor);
        Instant now = Instant.now();
        Table table = new Table("GROUP", "HOST", "STATE", "SINCE", "REASON");
        boolean actionable = false;
        for (String body : bodies) {
            for (JsonNode m : ServiceClient.tree(body).path("members")) {
                Verdict v = ServiceClient.read(m.toString(), Verdict.class);
                actionable |= v.actionable();
                table.row(List.of(v.group(), v.host(), VerdictText.shortState(v), VerdictText.since(v.since(), now),
                        v.reason() == null ? "-" : v.reason()),
                        java.util.Arrays.asList(null, null, style.code(v.state(), v.actionable())));
            }
        }
        if (table.isEmpty()) {
            out.println("no members");
            out.flush();
            return ExitCodes.OK;
        }
        table.print(out, style);
        if (actionable) {
            out.println("* actionable: recovery is safe (see 'hostwatch member GROUP HOST')");
            out.flush();
        }
        return ExitCodes.OK;
    }
}
