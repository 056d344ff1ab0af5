/**
 * The {@code hostwatch} command line (picocli): {@link io.hostwatch.client.cli.HostwatchCli} is the
 * top command and wires the subcommands; each verb is one {@code *Command} class. To add a verb,
 * write its class and list it in {@code HostwatchCli}'s {@code subcommands}.
 *
 * <p>Exit status: 0 success, 1 failure ({@code hostwatch VERB: error: ...} on stderr, one line),
 * 2 bad usage.
 */
package io.hostwatch.client.cli;
