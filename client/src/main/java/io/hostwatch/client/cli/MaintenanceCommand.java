package io.hostwatch.client.cli;

import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hostwatch maintenance GROUP HOST on|off [--reason TEXT] [--for DURATION]}. */
@Command(name = "maintenance", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = HostwatchCli.Version.class,
        description = {"Puts a member in maintenance (on) or takes it out (off). While in maintenance its "
                + "verdict is MAINTENANCE and never actionable; detection and its evidence go on.",
            "on: PUT /v1/groups/GROUP/members/HOST/maintenance; off: DELETE on the same path."},
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {
            "0:ok", "1:unknown member, or (off) the member is not in maintenance",
            "2:bad usage, bad group/host name, reason or duration", "3:service not reachable", "4:not allowed (credentials or role)"})
public final class MaintenanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceOptions service;

    @Parameters(index = "0", paramLabel = "GROUP", description = "Service group, e.g. compute.")
    String group;

    @Parameters(index = "1", paramLabel = "HOST", description = "Host name.")
    String host;

    @Parameters(index = "2", paramLabel = "on|off", description = "Start or end maintenance.")
    String mode;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (on only; at most 1024 characters).")
    String reason;

    @Option(names = "--for", paramLabel = "DURATION",
            description = "How long it lasts before it ends by itself (on only): 30m, 2h, 1d or ISO-8601 PT2H "
                    + "(default: until 'off').")
    String duration;

    @Override
    public Integer call() {
        boolean on = switch (mode.toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new ParameterException(spec.commandLine(), "the third argument must be 'on' or 'off', "
                    + "not '" + ServiceClient.oneLine(mode) + "'");
        };
        MemberId id = Args.member(group, host);
        String path = Args.memberPath(id) + "/maintenance";
        PrintWriter out = spec.commandLine().getOut();
        ServiceClient client = service.client();
        if (!on) {
            if (reason != null || duration != null) {
                throw new ParameterException(spec.commandLine(), "--reason and --for go with 'on' only");
            }
            client.delete(path);
            out.println(id + ": maintenance off");
        } else {
            Map<String, String> body = new LinkedHashMap<>();
            if (reason != null) {
                body.put("reason", reason);
            }
            if (duration != null) {
                body.put("for", duration);
            }
            Maintenance m = ServiceClient.read(client.put(path, body), Maintenance.class);
            out.println(id + ": maintenance on " + (m.expiresAt() == null ? "until turned off"
                    : "until " + VerdictText.time(m.expiresAt())) + " (" + ServiceClient.oneLine(m.reason()) + ")"
                    + (m.setBy() == null ? "" : ", set by " + ServiceClient.oneLine(m.setBy())));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
