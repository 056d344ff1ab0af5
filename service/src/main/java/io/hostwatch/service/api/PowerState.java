package io.hostwatch.service.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.SignalStatus;

/**
 * Answer of {@code GET|POST .../members/{host}/power[/on]}: what the member's BMC said just now.
 *
 * @param group service group
 * @param host host name
 * @param method {@code ipmi-lanplus} or {@code redfish}
 * @param bmc the BMC's address as configured
 * @param power the power state the BMC reports ({@code UNKNOWN} when it did not answer)
 * @param answer the BMC's words
 * @param error why the BMC gave no usable answer
 * @param fencing the member's fencing record, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PowerState(String group, String host, String method, String bmc, SignalStatus.Power power,
                         String answer, String error, FencingAction fencing) {
}
