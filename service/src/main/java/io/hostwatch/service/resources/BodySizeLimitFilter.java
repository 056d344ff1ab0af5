package io.hostwatch.service.resources;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

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
            request.abortWith(tooLarge().getResponse());
            return;
        }
        if (request.hasEntity()) {
            request.setEntityStream(new Bounded(request.getEntityStream(), limit));
        }
    }

    private WebApplicationException tooLarge() {
        return ApiErrors.error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "request body is larger than " + limit
                + " bytes");
    }

    private final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && --left < 0) {
                throw tooLarge();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw tooLarge();
                }
            }
            return n;
        }
    }
}
