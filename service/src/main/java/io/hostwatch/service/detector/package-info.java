/**
 * The leader-elected detector: notices when a heartbeat znode disappears, probes the host and
 * its storage heartbeat, and publishes the classified verdict under its epoch. All decisions run
 * on one ordered thread; probes run on their own bounded pools.
 */
package io.hostwatch.service.detector;
