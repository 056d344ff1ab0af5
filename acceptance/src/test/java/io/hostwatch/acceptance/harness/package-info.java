/**
 * Test harness: the built jars as real child processes, a real ZooKeeper (Curator Test), a TCP
 * proxy that can cut a member's ZooKeeper path, and a small REST client.
 */
package io.hostwatch.acceptance.harness;
