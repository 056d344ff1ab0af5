package io.hostwatch.service.auth;

/**
 * hostwatch's two permissions, as role names for {@code @RolesAllowed}: {@link #READER} reads
 * verdicts, history and detector status; {@link #OPERATOR} changes state (maintenance, brake
 * release, enrollment, decommissioning, admin tasks) and may read too.
 */
public final class Roles {
    public static final String READER = "reader";
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}
