package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostwatch brake show|release GROUP}: a group's mass-failure brake. */
@Command(name = "brake", mixinStandardHelpOptions = true, versionProvider = HostwatchCli.Version.class,
        description = {"A group's mass-failure brake: engaged by the detector when more than brake.threshold of "
                + "a group is lost within brake.window; while engaged no verdict of the group is actionable."},
        subcommands = {BrakeCommand.Show.class, BrakeCommand.Release.class},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:the brake never engaged (show) or is not engaged (release)",
            "2:bad usage or bad group name", "3:service not reachable", "4:not allowed (credentials or role)"})
public final class BrakeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command: show or release");
    }

    /** {@code brake show GROUP}: GET /v1/groups/GROUP/brake. */
    @Command(name = "show", mixinStandardHelpOptions = true, versionProvider = HostwatchCli.Version.class,
            description = "Shows the group's brake record (GET /v1/groups/GROUP/brake).",
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
                "0:ok", "1:the brake of the group never engaged", "2:bad usage or bad group name",
                "3:service not reachable", "4:not allowed (credentials or role)"})
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServiceOptions service;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
        String group;

        @Option(names = "--json", description = "Print the service's JSON.")
        boolean json;

        @Override
        public Integer call() {
            String body = service.client().get("/v1/groups/" + Args.group(group) + "/brake");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(body.strip());
            } else {
                out.println(describe(ServiceClient.tree(body)));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code brake release GROUP}: DELETE /v1/groups/GROUP/brake. */
    @Command(name = "release", mixinStandardHelpOptions = true, versionProvider = HostwatchCli.Version.class,
            description = {"Releases the group's engaged brake: an operator's decision that the mass loss is "
                    + "real, after which verdicts of the group may be actionable again "
                    + "(DELETE /v1/groups/GROUP/brake)."},
            exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
                "0:released", "1:the brake of the group is not engaged", "2:bad usage or bad group name",
                "3:service not reachable", "4:not allowed (credentials or role)"})
    static final class Release implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ServiceOptions service;

        @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
        String group;

        @Override
        public Integer call() {
            String body = service.client().delete("/v1/groups/" + Args.group(group) + "/brake");
            PrintWriter out = spec.commandLine().getOut();
            JsonNode b = ServiceClient.tree(body);
            out.println(group + ": brake released (it engaged at " + time(b, "engagedAt") + " with "
                    + b.path("lost").asInt() + " of " + b.path("members").asInt() + " members lost)"
                    + (b.hasNonNull("releasedBy") ? " by " + ServiceClient.oneLine(b.get("releasedBy").asText()) : ""));
            out.flush();
            return ExitCodes.OK;
        }
    }

    static String describe(JsonNode b) {
        String state = b.path("engaged").asBoolean() ? "ENGAGED" : "released";
        return ServiceClient.oneLine(b.path("group").asText() + ": " + state + "; engaged at "
                + time(b, "engagedAt") + ": " + b.path("reason").asText("-")
                + (b.hasNonNull("releasedAt") ? "; released at " + time(b, "releasedAt") : "")
                + (b.hasNonNull("releasedBy") ? " by " + b.get("releasedBy").asText() : ""));
    }

    /** An instant field shortened to the second. */
    private static String time(JsonNode node, String field) {
        try {
            return node.hasNonNull(field) ? VerdictText.time(java.time.Instant.parse(node.get(field).asText())) : "-";
        } catch (java.time.format.DateTimeParseException e) {
            return node.get(field).asText();
        }
    }
}
