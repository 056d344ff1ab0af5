/**
 * Real hosts for the fault matrix: each member host is a Linux network namespace joined to the
 * detector's (root) namespace through a bridge, with its own address in 198.18.0.0/24 (the
 * benchmarking range); shared storage is a directory every namespace sees, exactly like a SAN or
 * NFS mount that stays up when the IP network fails.
 *
 * <p>{@link io.hostwatch.acceptance.netns.NetnsLab} builds and removes the lab (and any stale one
 * left by an interrupted run), {@link io.hostwatch.acceptance.netns.NetnsHost} is one host and its
 * faults, {@link io.hostwatch.acceptance.netns.VerdictWatcher} watches every verdict of a group
 * while a fault runs, {@link io.hostwatch.acceptance.netns.FaultFigures} turns the measured times
 * into {@code docs/fault-matrix.md}. Root only: see
 * {@link io.hostwatch.acceptance.harness.Privileges}.
 */
package io.hostwatch.acceptance.netns;
