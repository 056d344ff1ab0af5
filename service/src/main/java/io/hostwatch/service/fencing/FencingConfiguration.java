package io.hostwatch.service.fencing;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code fencing.*}: out-of-band power fencing through each host's BMC. A group listed under
 * {@code groups} is fenced: none of its {@code DEAD} or unfenced {@code ISOLATED} verdicts is
 * actionable until its host's BMC has confirmed the power off. Groups not listed rely on the
 * agent's self-fence alone. See {@code docs/fencing.md}.
 */
public class FencingConfiguration {
    /** The BMCs of each fenced group, by group name. */
    @NotNull @JsonProperty
    public Map<String, BmcConfiguration> groups = new LinkedHashMap<>();
    /** The ipmitool program. */
    @NotNull @JsonProperty
    public String ipmitool = "ipmitool";
    /** Bound of each BMC request (one ipmitool run, one HTTP exchange). */
    @NotNull @MinDuration(value = 500, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration timeout = Duration.seconds(10);
    /** After a power-off, how long the BMC may take to report the power off before the attempt fails. */
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) @JsonProperty
    public Duration confirmTimeout = Duration.seconds(30);
    /** How often the power state is asked while waiting for the confirmation. */
    @NotNull @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration confirmInterval = Duration.seconds(1);
    /**
     * How long a verdict must have been {@code DEAD} or {@code ISOLATED} before its host is powered
     * off: the losses of a mass failure arrive over a few seconds, and the brake must be able to
     * engage before the first host is fenced.
     */
    @NotNull @MinDuration(value = 0, unit = TimeUnit.SECONDS) @JsonProperty
    public Duration settle = Duration.seconds(5);
    @NotNull @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration retryInitialDelay = Duration.seconds(2);
    @NotNull @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS) @JsonProperty
    public Duration retryMaxDelay = Duration.minutes(1);
    /** How often every member is checked again, to catch anything an event did not bring. */
    @NotNull @MinDuration(value = 1, unit = TimeUnit.SECONDS) @JsonProperty
    public Duration reconcileInterval = Duration.seconds(30);
    /** BMC attempts in flight at once. */
    @Min(1) @Max(64) @JsonProperty
    public int maxConcurrentCalls = 4;

    public boolean enabled() {
        return groups != null && !groups.isEmpty();
    }

    /** Everything wrong with these settings, one sentence each; empty when they are usable. */
    public List<String> problems() {
        List<String> out = new java.util.ArrayList<>(BmcTargets.problems(this));
        if (retryMaxDelay.toNanoseconds() < retryInitialDelay.toNanoseconds()) {
            out.add("fencing.retryMaxDelay must not be shorter than fencing.retryInitialDelay");
        }
        if (ipmitool == null || ipmitool.isBlank() || ipmitool.chars().anyMatch(c -> c < 0x20)) {
            out.add("fencing.ipmitool must name a program");
        }
        return out;
    }
}
