/**
 * JAX-RS resources of the REST API ({@code /v1}). They read from the
 * {@link io.hostwatch.service.zk.ClusterView} cache, validate every name before use, and answer
 * bad input with a JSON error: 400 for a bad name, 404 for an unknown member.
 */
package io.hostwatch.service.resources;
