/**
 * The pure core of the detector: evidence in, verdict out. Nothing here talks to ZooKeeper,
 * reads a clock or does I/O, so every row of the verdict table can be walked in a unit test.
 */
package io.hostwatch.service.core;
