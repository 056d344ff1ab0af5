package io.hostwatch.service.resources;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** Rejects request bodies over a limit with 413 and a JSON error, whether declared or streamed. */
@Provider
public final class BodySizeLimitFilter implements ContainerRequestFilter {
    /** 16 KiB: far more than any hostwatch request needs. */
    public static final int DEFAULT_LIMIT = 16 * 1024;

    private final int limit;

    public BodySizeLimitFilter(int limit) {
        this.limit = limit;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        int declared = request.getLength();
        if (declared > limit) {
            request.abortWith(tooLarge());
            return;
        }
        if (request.hasEntity()) {
            // The body (declared within the limit, or streamed without a length) is read here, at
            // most limit + 1 bytes: over the limit it is refused before a resource's JSON reader sees
            // it; an error thrown from inside that reader would come out as a 400 about the JSON.
            byte[] body;
            try {
                body = request.getEntityStream().readNBytes(limit + 1);
            } catch (IOException e) {
                throw ApiErrors.error(Response.Status.BAD_REQUEST, "request body could not be read: "
                        + e.getMessage());
            }
            if (body.length > limit) {
                request.abortWith(tooLarge());
                return;
            }
            request.setEntityStream(new ByteArrayInputStream(body));
        }
    }

    /**
     * The 413, with {@code Connection: close}: the rest of the body is left unread, so the server
     * ends the connection after answering, and a client that kept it for its next request would
     * have that request fail. The header tells it not to.
     */
    private Response tooLarge() {
        Response error = ApiErrors.error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "request body is larger than "
                + limit + " bytes").getResponse();
        return Response.fromResponse(error).header("Connection", "close").build();
    }
}
