/**
 * The scale benchmark ({@code deploy/bench/scale-benchmark.sh}): a member fleet process that
 * holds many members on one ZooKeeper session and advances their storage slots, and the
 * controller that runs the service, kills a fleet, measures and writes {@code docs/benchmarks.md}.
 * Not part of {@code mvn verify} (no class here is a test).
 */
package io.hostwatch.acceptance.bench;
