/**
 * Probes of the two non-ZooKeeper signals: {@link io.hostwatch.service.probe.PingProbe} (ICMP where
 * the process may send it, TCP connect otherwise) and {@link io.hostwatch.service.probe.StorageObserver}
 * (the storage heartbeat counter, judged on the detector's monotonic clock). Every probe has a
 * deadline and runs on a bounded pool, so a hung host or a hung disk never blocks the detector.
 */
package io.hostwatch.service.probe;
