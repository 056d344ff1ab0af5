package io.hostwatch.service.resources;

import io.hostwatch.schema.OperatorAction;
import io.hostwatch.service.auth.Caller;
import io.hostwatch.service.auth.CallerFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;

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

    /** The request's id ({@code req-UUID}) that {@link CallerFilter} gave it; null when unknown. */
    static String requestId(HttpServletRequest request) {
        return request == null ? null : CallerFilter.requestId(request);
    }

    /** The operator's call as the records keep it. */
    static OperatorAction action(String action, SecurityContext security, HttpServletRequest request, Instant at) {
        return new OperatorAction(action, who(security), requestId(request), at);
    }
}
