package io.hostwatch.service.resources;

import io.hostwatch.service.auth.Caller;
import jakarta.ws.rs.core.SecurityContext;

/** Who made a request, in the form the records and the audit log keep. */
final class Callers {
    private Callers() {
    }

    /** {@code user@project}, {@code cert:SUBJECT}, or {@code anonymous} when no caller is known. */
    static String who(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof Caller c) {
            return c.audit();
        }
        return Caller.anonymous().audit();
    }
}
