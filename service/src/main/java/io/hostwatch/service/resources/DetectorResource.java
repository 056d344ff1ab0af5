package io.hostwatch.service.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.Json;
import io.hostwatch.service.auth.RestSecurity;
import io.hostwatch.service.auth.Roles;
import io.hostwatch.service.detector.Detector;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /v1/detector}: this instance's view of the leadership, its epoch and whether it
 * judges, and under {@code security} how its ports are protected (with any insecure settings).
 */
@Path("/v1/detector")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class DetectorResource {
    private final Detector detector;
    private final RestSecurity.Status security;

    public DetectorResource(Detector detector, RestSecurity.Status security) {
        this.detector = detector;
        this.security = security;
    }

    @GET
    public ObjectNode status() {
        ObjectMapper mapper = Json.mapper();
        ObjectNode node = mapper.valueToTree(detector.status());
        if (security != null) {
            node.set("security", mapper.valueToTree(security));
        }
        return node;
    }
}
