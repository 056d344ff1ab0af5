package io.hostwatch.service.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Body of {@code PUT /v1/groups/{group}/members/{host}/maintenance}; every field is optional.
 *
 * @param reason why (at most 1024 characters)
 * @param expiresAt when it ends by itself
 * @param duration how long it lasts ({@code 30m}, {@code 2h}, {@code 1d}, or ISO-8601 {@code PT2H});
 *                 JSON name {@code for}. Give at most one of {@code expiresAt} and {@code for}.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record MaintenanceRequest(String reason, Instant expiresAt, @JsonProperty("for") String duration) {
}
