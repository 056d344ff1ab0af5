/**
 * The service's security posture: which listeners are protected, the loopback-only default when
 * they are not, and the explicit {@code security.allowInsecure} opt-in. See docs/security.md.
 */
package io.hostwatch.service.security;
