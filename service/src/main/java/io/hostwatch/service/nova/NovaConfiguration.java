package io.hostwatch.service.nova;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code nova.*}: whether and how the detector leader forces fenced hosts down in Nova. Off by
 * default; see {@code docs/nova.md}.
 */
public class NovaConfiguration {
    /** Master switch; nothing below is used, and no call is ever made, while it is false. */
    @JsonProperty
    public boolean enabled = false;
    /** Appended to a hostwatch host name to get the Nova service host, e.g. {@code .cloud.example.com}. */
    @JsonProperty
    public String hostSuffix;
    /** Explicit hostwatch host → Nova host names; wins over {@link #hostSuffix}. */
    @NotNull @JsonProperty
    public Map<String, String> hostMap = new LinkedHashMap<>();
    /** Also set {@code status: enabled} when forcing a recovered host up (operators often re-enable by hand). */
    @JsonProperty
    public boolean reenable = false;
    /** Compute endpoint to use instead of the catalog's, e.g. {@code https://nova.example.com:8774/v2.1}. */
    @JsonProperty
    public String endpointOverride;
    /** Connect timeout of every outbound call (Keystone, Nova, Masakari). */
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration connectTimeout = Duration.seconds(5);
    /** Timeout of every outbound request, from sending it to the whole answer. */
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration requestTimeout = Duration.seconds(15);
    /** First delay before retrying a failed attempt; it doubles each time up to {@link #retryMaxDelay}. */
    @NotNull @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration retryInitialDelay = Duration.seconds(2);
    @NotNull @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration retryMaxDelay = Duration.minutes(5);
    /** How often every member is checked again, to catch anything an event did not bring. */
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) @JsonProperty
    public Duration reconcileInterval = Duration.minutes(1);
    /** Call sequences in flight at once. */
    @Min(1) @Max(64) @JsonProperty
    public int maxConcurrentCalls = 4;

    @JsonIgnore
    @ValidationMethod(message = "nova.retryMaxDelay must not be shorter than nova.retryInitialDelay")
    public boolean isRetryRangeValid() {
        return retryMaxDelay.toNanoseconds() >= retryInitialDelay.toNanoseconds();
    }

    @JsonIgnore
    @ValidationMethod(message = "nova.endpointOverride must be an http(s) URL")
    public boolean isEndpointOverrideValid() {
        return endpointOverride == null || endpointOverride.startsWith("http://")
                || endpointOverride.startsWith("https://");
    }

    HostNameMapping mapping() {
        return new HostNameMapping(hostSuffix, hostMap);
    }
}
