package io.hostwatch.service.resources;

import io.dropwizard.jersey.errors.ErrorMessage;
import io.hostwatch.schema.InvalidNameException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Names;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns bad input into JSON errors: {@code {"code":400,"message":"..."}}. */
final class ApiErrors {
    private ApiErrors() {
    }

    static WebApplicationException error(Response.Status status, String message) {
        return new WebApplicationException(message, Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(status.getStatusCode(), message)).build());
    }

    static String group(String group) {
        try {
            return Names.group(group);
        } catch (InvalidNameException e) {
            throw error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }

    static MemberId member(String group, String host) {
        try {
            return new MemberId(group, host);
        } catch (InvalidNameException e) {
            throw error(Response.Status.BAD_REQUEST, e.getMessage());
        }
    }
}
