package io.hostwatch.client.cli;

/** The exit statuses of the admin verbs, which scripts may rely on; shown by every verb's {@code --help}. */
final class ExitCodes {
    static final int OK = 0;
    /** The member, group, maintenance or brake asked about does not exist (or the request was refused). */
    static final int NOT_FOUND = 1;
    /** Bad usage: unknown option, missing argument, bad group or host name, a value the service rejects. */
    static final int USAGE = 2;
    /** The service (or ZooKeeper, for {@code watch}) could not be reached or did not answer in time. */
    static final int UNREACHABLE = 3;
    /** Not allowed: no or invalid credentials (401), or a role without the permission (403). */
    static final int NOT_ALLOWED = 4;
    /**
     * {@code power} only: the service answered, but the member's BMC did not (no answer, a refusal,
     * an unreadable answer: the service's 502); the host's power state is unknown.
     */
    static final int BMC_UNAVAILABLE = 5;

    static final String HEADING = "%nExit status:%n";
    static final String[] LIST = {
        "0:ok",
        "1:not found (unknown member or group, nothing to release), or the service refused the request",
        "2:bad usage (unknown option, bad group or host name, a value the service rejects as invalid)",
        "3:service not reachable at --url (ZooKeeper at --zk for watch), or it did not answer in time",
        "4:not allowed: no or invalid credentials, or a role without the permission",
    };

    private ExitCodes() {
    }
}
