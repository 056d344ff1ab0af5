package io.hostwatch.service.nova;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.validation.ValidationMethod;

/**
 * {@code masakari.*}: whether a forced-down host is also reported to Masakari (instance HA) as a
 * {@code COMPUTE_HOST} {@code STOPPED} notification, so Masakari evacuates it. Off by default;
 * needs {@code nova.enabled}.
 */
public class MasakariConfiguration {
    @JsonProperty
    public boolean enabled = false;
    /** Masakari endpoint to use instead of the catalog's ({@code instance-ha}). */
    @JsonProperty
    public String endpointOverride;
    /**
     * With a force-up, also set Masakari's {@code on_maintenance} of the host back to false.
     * Masakari's engine sets it when it handles a failure and never clears it; while it is set,
     * Masakari ignores every later notification for the host (409 "already under maintenance"), so
     * a second failure is not evacuated. Off by default: clearing it is the operator's call (the
     * Masakari host may be on maintenance for other reasons). hostwatch clears it only when Masakari
     * took the notification of the failure being undone.
     */
    @JsonProperty
    public boolean clearMaintenanceOnForceUp = false;

    @JsonIgnore
    @ValidationMethod(message = "masakari.endpointOverride must be an http(s) URL")
    public boolean isEndpointOverrideValid() {
        return endpointOverride == null || endpointOverride.startsWith("http://")
                || endpointOverride.startsWith("https://");
    }
}
