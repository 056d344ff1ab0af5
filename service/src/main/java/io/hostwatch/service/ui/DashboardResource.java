package io.hostwatch.service.ui;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Serves the dashboard's three files from the jar. Only those names are served: a request for any
 * other name (a path, {@code ..}, anything) is a 404 and reads nothing.
 */
@Path("/ui")
@PermitAll // the shell holds no data (AccessRules.DASHBOARD_SHELL); its API calls carry the caller's credentials
public final class DashboardResource {
    static final String RESOURCE_DIR = "/io/hostwatch/service/ui/";
    /** File name → media type; nothing else is served. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8");
    /** Everything from this origin only: no CDN, no inline script, no framing. */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                    + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /** {@code /ui/} is the page; {@code /ui} without the slash redirects there (relative links need it). */
    @GET
    public Response root(@Context UriInfo uri) {
        if (!uri.getAbsolutePath().getPath().endsWith("/")) {
            return Response.seeOther(uri.getBaseUriBuilder().path("ui/").build()).build();
        }
        return file("index.html");
    }

    @GET
    @Path("/{name}")
    public Response file(@PathParam("name") String name) {
        String type = FILES.get(name);
        if (type == null) {
            throw new NotFoundException("no such dashboard file");
        }
        byte[] body = read(name);
        return Response.ok(body, type)
                .header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("Referrer-Policy", "no-referrer")
                .build();
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardResource.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new NotFoundException("dashboard file missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
