/** Test fixtures shared by the service's tests: real ZooKeeper sessions and real storage slots. */
package io.hostwatch.service.testing;
