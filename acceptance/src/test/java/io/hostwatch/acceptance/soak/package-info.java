/**
 * The nemesis soak: a seeded random schedule of overlapping faults from the whole fault matrix,
 * run against real hosts in network namespaces, a three-server ZooKeeper ensemble and two service
 * instances ({@link io.hostwatch.acceptance.soak.SoakIT}, {@code deploy/soak.sh}), and the
 * history checker that judges what the detector published against what the nemesis did.
 *
 * <p>The schedule ({@link io.hostwatch.acceptance.soak.Schedule}) and the checker
 * ({@link io.hostwatch.acceptance.soak.HistoryChecker}) are pure: the same seed gives the same
 * schedule, and the checker is a function of the nemesis log, the verdict history, the brake
 * records and the Nova calls, tested on hand-made histories.
 */
package io.hostwatch.acceptance.soak;
