package io.hostwatch.service.auth;

import java.security.Principal;
import java.util.Set;

/**
 * Who made a request, as the audit records show it, and which hostwatch permissions
 * ({@link Roles}) they hold.
 *
 * @param kind {@code keystone}, {@code mtls} or {@code anonymous}
 * @param user Keystone user name, the certificate subject, or {@code anonymous}
 * @param userId Keystone user id (null otherwise)
 * @param project Keystone project name (null when unscoped or not Keystone)
 * @param projectId Keystone project id
 * @param permissions granted hostwatch roles
 */
public record Caller(String kind, String user, String userId, String project, String projectId,
                     Set<String> permissions) implements Principal {
    public static final String KEYSTONE = "keystone";
    public static final String MTLS = "mtls";
    public static final String ANONYMOUS = "anonymous";

    public Caller {
        permissions = Set.copyOf(permissions);
    }

    /** The caller of {@code auth.type: none}: may do everything, recorded as {@code anonymous}. */
    public static Caller anonymous() {
        return new Caller(ANONYMOUS, "anonymous", null, null, null, Set.of(Roles.READER, Roles.OPERATOR));
    }

    public boolean may(String role) {
        return permissions.contains(role);
    }

    /** The audit form: {@code user@project} for Keystone, {@code cert:SUBJECT}, or {@code anonymous}. */
    public String audit() {
        return switch (kind) {
            case KEYSTONE -> project == null ? user : user + "@" + project;
            case MTLS -> "cert:" + user;
            default -> user;
        };
    }

    @Override
    public String getName() {
        return audit();
    }

    @Override
    public String toString() {
        return audit();
    }
}
