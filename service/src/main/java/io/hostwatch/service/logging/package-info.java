/**
 * How the service's log lines are formatted: every message and thread name passes through
 * {@link io.hostwatch.service.logging.EscapingMessageConverter}, so text from outside (host names,
 * user names, headers, paths, JSON fields) can never start a new log line or send an escape
 * sequence to a terminal, whichever logger or library logs it. The request log's layouts share
 * the logger context's rules ({@link io.hostwatch.service.logging.WordForEitherEvent}): its words
 * keep logback-access's meaning there, their request text escaped.
 */
package io.hostwatch.service.logging;
