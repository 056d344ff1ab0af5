package io.hostwatch.service.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.Json;
import io.hostwatch.service.auth.RestSecurity;
import io.hostwatch.service.auth.Roles;
import io.hostwatch.service.detector.Detector;
import io.hostwatch.service.security.SecurityPosture;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /v1/detector}: this instance's view of the leadership, its epoch and whether it
 * judges, and under {@code security} how its ports are protected (with any insecure settings), and
 * under {@code security.zookeeper} whether it speaks TLS to ZooKeeper with its identity.
 */
@Path("/v1/detector")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.READER)
public final class DetectorResource {
    private final Detector detector;
    private final RestSecurity.Status security;
    private final SecurityPosture.Status zookeeper;

    public DetectorResource(Detector detector, RestSecurity.Status security) {
        this(detector, security, null);
    }

    /** With {@code zookeeper}: how this instance's ZooKeeper side is protected, under {@code security.zookeeper}. */
    public DetectorResource(Detector detector, RestSecurity.Status security, SecurityPosture.Status zookeeper) {
        this.detector = detector;
        this.security = security;
        this.zookeeper = zookeeper;
    }

    @GET
    public ObjectNode status() {
        ObjectMapper mapper = Json.mapper();
        ObjectNode node = mapper.valueToTree(detector.status());
        if (security != null) {
            node.set("security", mapper.valueToTree(security));
        }
        if (zookeeper != null) {
            node.withObject("/security").set("zookeeper", mapper.valueToTree(zookeeper));
        }
        return node;
    }
}
