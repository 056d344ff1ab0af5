package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hostwatch detector}: the answering instance's view of leadership, epoch, self-check and brakes. */
@Command(name = "detector", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Shows the detector as the service at --url sees it: whether it leads, the leader, the "
                + "epoch (fencing token), whether it is judging, its ZooKeeper connection, its self-check of its "
                + "own network and storage, and any engaged mass-failure brakes (GET /v1/detector)."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:the service refused the request", "2:bad usage", "3:service not reachable", "4:not allowed (credentials or role)"})
public final class DetectorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Option(names = "--json", description = "Print the service's JSON.")
    boolean json;

    @Option(names = "--no-color", description = "No colour, even on a terminal.")
    boolean noColor;

    @Override
    public Integer call() {
        String body = service.client().get("/v1/detector");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body.strip());
            out.flush();
            return ExitCodes.OK;
        }
        Style style = Style.forTerminal(noColor);
        JsonNode d = ServiceClient.tree(body);
        boolean leads = d.path("leader").asBoolean();
        line(out, "instance", text(d, "instance") + (leads ? "  " + style.bold("(leader)") : "  (follower)"));
        line(out, "leader", text(d, "leaderInstance"));
        line(out, "epoch", text(d, "epoch") + (d.hasNonNull("leaderSince") ? "  since "
                + time(text(d, "leaderSince")) : ""));
        line(out, "judging", d.path("judging").asBoolean() ? "yes"
                : "no (not leading, connection suspended, or waiting one session timeout after taking over)");
        line(out, "zookeeper", text(d, "zookeeper"));
        line(out, "members", text(d, "members"));
        line(out, "ping", text(d, "pingMethod"));
        JsonNode self = d.path("selfCheck");
        if (self.isObject()) {
            line(out, "self-check", "network " + text(self, "network") + detail(self, "networkDetail")
                    + "; storage " + text(self, "storage") + detail(self, "storageDetail")
                    + (self.hasNonNull("checkedAt") ? "; checked " + time(text(self, "checkedAt")) : ""));
        } else {
            line(out, "self-check", "-");
        }
        JsonNode brakes = d.path("brakes");
        if (!brakes.isObject() || brakes.isEmpty()) {
            line(out, "brakes", "none engaged");
        } else {
            for (Map.Entry<String, JsonNode> b : brakes.properties()) {
                line(out, "brake", style.paint(style.enabled() ? "\u001b[31m" : "", b.getKey() + " ENGAGED")
                        + " since " + time(text(b.getValue(), "engagedAt")) + ": " + text(b.getValue(), "reason")
                        + "  (release: hostwatch brake release " + b.getKey() + ")");
            }
        }
        JsonNode refused = d.path("refusedRegistrations");
        if (refused.isObject()) {
            for (Map.Entry<String, JsonNode> r : refused.properties()) {
                line(out, "refused", ServiceClient.oneLine(r.getKey()) + ": " + ServiceClient.oneLine(r.getValue()
                        .asText()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void line(PrintWriter out, String name, String value) {
        out.println(String.format(Locale.ROOT, "%-11s %s", name, value));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "-" : ServiceClient.oneLine(v.asText());
    }

    /** An ISO-8601 instant shortened to the second; anything else as it is. */
    private static String time(String iso) {
        try {
            return VerdictText.time(java.time.Instant.parse(iso));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    private static String detail(JsonNode node, String field) {
        return node.hasNonNull(field) ? " (" + text(node, field) + ")" : "";
    }
}
