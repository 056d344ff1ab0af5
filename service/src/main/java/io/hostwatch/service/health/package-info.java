/** Dropwizard health checks (admin port, {@code /healthcheck}): ZooKeeper, storage root, leader. */
package io.hostwatch.service.health;
