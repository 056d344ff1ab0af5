/**
 * Who may call the REST and admin ports, and what they may do. A servlet filter in front of every
 * resource of the REST port (the API and the dashboard alike) identifies the caller — a Keystone
 * token validated as keystonemiddleware's {@code auth_token} does, a client certificate (mutual
 * TLS), or nobody when {@code auth.type: none} on loopback — and checks the permission the request
 * needs: {@link io.hostwatch.service.auth.Roles#READER} to read, {@link io.hostwatch.service.auth.Roles#OPERATOR}
 * to change anything. Keystone or certificate roles map to those two permissions through
 * configuration. Every change is logged with its {@link io.hostwatch.service.auth.Caller}.
 */
package io.hostwatch.service.auth;
