/**
 * Operations on real processes: the Prometheus endpoint after a fault, the dashboard page in a
 * real headless Chromium, and the deployment files (alert rules, systemd units) checked by the
 * tools that consume them.
 */
package io.hostwatch.acceptance.ops;
