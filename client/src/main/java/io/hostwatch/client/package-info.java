/**
 * The hostwatch client: the member agent that runs on every compute host
 * ({@link io.hostwatch.client.agent}) and the {@code hostwatch} command line
 * ({@link io.hostwatch.client.cli}). Small helpers shared by both live here.
 *
 * <p>This module depends on {@code zk-schema} and Curator only, never on the service, so a
 * compute host does not pull in Jetty or Dropwizard.
 */
package io.hostwatch.client;
