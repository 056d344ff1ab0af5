package io.hostwatch.client.cli;

import io.hostwatch.schema.InvalidNameException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Names;

/** Checks group and host names before any request is made: a bad name is a usage error (exit 2). */
final class Args {
    private Args() {
    }

    static String group(String group) {
        try {
            return Names.group(group);
        } catch (InvalidNameException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    static MemberId member(String group, String host) {
        try {
            return MemberId.of(group, host);
        } catch (InvalidNameException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    static String memberPath(MemberId id) {
        return "/v1/groups/" + id.group() + "/members/" + id.host();
    }
}
