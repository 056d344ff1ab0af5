/**
 * The hostwatch service: {@link io.hostwatch.service.HostwatchApplication} wires the embedded or
 * external ZooKeeper, the cluster view, the probes, the leader-elected detector and the REST API.
 */
package io.hostwatch.service;
