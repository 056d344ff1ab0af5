/**
 * How the agent's and the admin CLI's log lines are formatted: {@code logback.xml} routes every
 * message and thread name through {@link io.hostwatch.client.logging.EscapingConverters}, so text
 * from outside (ZooKeeper records, names, answers of the service) can never start a new log line
 * or send an escape sequence to a terminal.
 */
package io.hostwatch.client.logging;
