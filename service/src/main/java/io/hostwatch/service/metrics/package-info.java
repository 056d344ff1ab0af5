/**
 * Prometheus metrics ({@code hostwatch_*} families and the JVM's) served in the text format on the
 * admin port's {@code /metrics}; Dropwizard's own JSON metrics move to {@code /metrics.json}.
 *
 * <p>Everything here is fed through narrow hooks and never changes what it observes: gauges are
 * computed at scrape time from the read-side cache ({@code ClusterView}) and from suppliers;
 * counters and histograms are fed by the detector's publish listener, the ping probe's observer, the
 * storage observer's slot reads and the fencer's attempt observer.
 * No family has a per-host label: a fleet of 10,000 members stays a few hundred series.
 */
package io.hostwatch.service.metrics;
