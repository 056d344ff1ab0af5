package io.hostwatch.service.fencing;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hostwatch.service.nova.SecretSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to reach the BMCs of one group's hosts ({@code fencing.groups.{group}}), with per-host
 * overrides under {@code hosts}. A field set for a host wins over the group's; {@code {host}} in
 * the group's {@code address} or {@code url} is replaced by the host name.
 *
 * <pre>
 * fencing:
 *   groups:
 *     compute:
 *       method: ipmi
 *       address: "{host}-ipmi.mgmt.example.com"
 *       username: fence
 *       password: {file: /etc/hostwatch/bmc-password}
 *       hosts:
 *         node7: {address: 10.20.0.7}
 * </pre>
 */
public class BmcConfiguration {
    /** {@code ipmi} (IPMI 2.0 over LAN, lanplus) or {@code redfish}. */
    @JsonProperty
    public String method;
    /** IPMI: the BMC's host name or IP address ({@code {host}} is replaced by the member's host name). */
    @JsonProperty
    public String address;
    /** IPMI: UDP port of the BMC (623 when not set). */
    @JsonProperty
    public Integer port;
    /** Redfish: the BMC's base URL, e.g. {@code https://{host}-bmc.mgmt.example.com}. */
    @JsonProperty
    public String url;
    /** Redfish: the {@code ComputerSystem} id; when not set the BMC must list exactly one system. */
    @JsonProperty
    public String systemId;
    /** Redfish: PEM file of the CA certificates the BMC's certificate must chain to (else the JDK's). */
    @JsonProperty
    public String caFile;
    /** The BMC user. */
    @JsonProperty
    public String username;
    /** The BMC password, from a file or an environment variable: {@code {file: ...}} or {@code {env: ...}}. */
    @JsonProperty
    public SecretSource password;
    /** IPMI: privilege level requested, {@code OPERATOR} or {@code ADMINISTRATOR} (the default). */
    @JsonProperty
    public String privilege;
    /** IPMI: cipher suite ({@code -C}), 1 to 17; ipmitool's own choice when not set. */
    @JsonProperty
    public Integer cipherSuite;
    /** Per-host overrides, by host name (group level only). */
    @JsonProperty
    public Map<String, BmcConfiguration> hosts = new LinkedHashMap<>();
}
