package io.hostwatch.service.resources;

import io.hostwatch.service.detector.Detector;
import io.hostwatch.service.detector.DetectorStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/detector}: this instance's view of the leadership, its epoch and whether it judges. */
@Path("/v1/detector")
@Produces(MediaType.APPLICATION_JSON)
public final class DetectorResource {
    private final Detector detector;

    public DetectorResource(Detector detector) {
        this.detector = detector;
    }

    @GET
    public DetectorStatus status() {
        return detector.status();
    }
}
