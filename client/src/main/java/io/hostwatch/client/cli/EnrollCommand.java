package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.schema.InvalidNameException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Names;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostwatch enroll GROUP HOST}, {@code hostwatch enroll --inventory FILE}, {@code --remove}. */
@Command(name = "enroll", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Enrolls hosts: only an enrolled host can register its heartbeat, and in a protected "
                + "ensemble only with its own certificate (docs/security.md).",
            "PUT /v1/groups/GROUP/members/HOST/enrollment for each host; --remove sends DELETE.",
            "An inventory file holds one host per line, 'HOST' (in --group) or 'GROUP HOST'; '#' starts a "
                    + "comment. Every line is checked before anything is enrolled."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:(--remove) a host was not enrolled",
            "2:bad usage, bad group/host name or inventory line", "3:service not reachable"})
public final class EnrollCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", arity = "0..1", paramLabel = "GROUP", description = "Service group, e.g. compute.")
    String group;

    @Parameters(index = "1", arity = "0..1", paramLabel = "HOST", description = "Host name.")
    String host;

    @Option(names = "--inventory", paramLabel = "FILE", description = "Enroll every host listed in FILE.")
    Path inventory;

    @Option(names = "--group", paramLabel = "G",
            description = "Group of inventory lines that name only a host (default: compute).")
    String inventoryGroup;

    @Option(names = "--remove", description = "Remove the enrollment (and the heartbeat) instead.")
    boolean remove;

    @Override
    public Integer call() {
        List<MemberId> hosts = hosts();
        PrintWriter out = spec.commandLine().getOut();
        ServiceClient client = service.client();
        for (MemberId id : hosts) {
            String path = Args.memberPath(id) + "/enrollment";
            if (remove) {
                client.delete(path);
                out.println(id + ": enrollment removed");
            } else {
                JsonNode answer = ServiceClient.tree(client.put(path, Map.of()));
                String identity = answer.path("identity").asText("");
                String by = answer.path("setBy").asText("");
                out.println(ServiceClient.oneLine(id + ": " + (answer.path("created").asBoolean() ? "enrolled"
                        : "already enrolled") + (identity.isEmpty() ? " (no TLS: any client may register it)"
                        : " for " + identity) + (by.isEmpty() ? "" : ", by " + by + " ("
                        + answer.path("requestId").asText("-") + ")")));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private List<MemberId> hosts() {
        if (inventory == null) {
            if (group == null || host == null) {
                throw new ParameterException(spec.commandLine(), "give GROUP HOST, or --inventory FILE");
            }
            if (inventoryGroup != null) {
                throw new ParameterException(spec.commandLine(), "--group goes with --inventory");
            }
            return List.of(Args.member(group, host));
        }
        if (group != null) {
            throw new ParameterException(spec.commandLine(), "give GROUP HOST or --inventory FILE, not both");
        }
        try {
            return parse(Files.readAllLines(inventory, StandardCharsets.UTF_8), inventory.toString(),
                    inventoryGroup == null ? Names.DEFAULT_GROUP : inventoryGroup);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + inventory + ": " + e.getMessage(), e);
        }
    }

    /** The hosts of an inventory, in order, without repeats; any bad line rejects the whole file. */
    static List<MemberId> parse(List<String> lines, String source, String defaultGroup) {
        Set<MemberId> out = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String[] words = (hash < 0 ? line : line.substring(0, hash)).strip().split("\\s+");
            if (words.length == 1 && words[0].isEmpty()) {
                continue;
            }
            try {
                if (words.length == 1) {
                    out.add(MemberId.of(Names.group(defaultGroup), Names.host(words[0])));
                } else if (words.length == 2) {
                    out.add(MemberId.of(Names.group(words[0]), Names.host(words[1])));
                } else {
                    problems.add(source + " line " + (i + 1) + ": expected 'HOST' or 'GROUP HOST'");
                }
            } catch (InvalidNameException e) {
                problems.add(source + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, String.join("\n", problems) + "\nnothing enrolled");
        }
        if (out.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, source + " lists no host");
        }
        return List.copyOf(out);
    }
}
