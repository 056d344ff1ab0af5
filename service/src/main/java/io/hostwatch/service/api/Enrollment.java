package io.hostwatch.service.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Body of {@code PUT /v1/groups/{group}/members/{host}/enrollment}'s answer.
 *
 * @param group the service group
 * @param host the host
 * @param identity the ZooKeeper identity (certificate subject) allowed to hold the host's
 *        heartbeat; omitted without TLS, where there are no identities
 * @param created true when this call enrolled the host, false when it was enrolled already
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Enrollment(String group, String host, String identity, boolean created) {
}
