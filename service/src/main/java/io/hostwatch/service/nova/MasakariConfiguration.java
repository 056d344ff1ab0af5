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

    @JsonIgnore
    @ValidationMethod(message = "masakari.endpointOverride must be an http(s) URL")
    public boolean isEndpointOverrideValid() {
        return endpointOverride == null || endpointOverride.startsWith("http://")
                || endpointOverride.startsWith("https://");
    }
}
