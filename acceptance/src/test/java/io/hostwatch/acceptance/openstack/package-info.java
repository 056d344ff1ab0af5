/**
 * The real OpenStack services (Keystone, Nova API, Masakari API and engine, from Debian's packages)
 * as a test bed on loopback: {@link io.hostwatch.acceptance.openstack.OpenStackTestbed} starts
 * {@code deploy/openstack/testbed.sh} and hands its connection facts to tests.
 */
package io.hostwatch.acceptance.openstack;
