package io.hostwatch.service.auth;

import io.dropwizard.auth.Authorizer;
import jakarta.ws.rs.container.ContainerRequestContext;

/** A caller holds a role when its permissions, mapped from Keystone roles or its certificate, include it. */
public final class CallerAuthorizer implements Authorizer<Caller> {
    @Override
    public boolean authorize(Caller caller, String role, ContainerRequestContext context) {
        return caller != null && caller.may(role);
    }
}
