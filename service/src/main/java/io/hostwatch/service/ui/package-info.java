/**
 * The dashboard page at {@code /ui/} on the REST port: plain HTML, CSS and JavaScript from this
 * jar's resources (no build tool, nothing loaded from elsewhere). The page holds no data of its
 * own; it polls the REST API with the caller's credentials, so it shows exactly what the API lets
 * that caller read.
 */
package io.hostwatch.service.ui;
