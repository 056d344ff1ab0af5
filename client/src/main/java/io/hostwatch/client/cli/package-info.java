/**
 * The {@code hostwatch} command line (picocli): {@link io.hostwatch.client.cli.HostwatchCli} is the
 * top command and wires the subcommands; each verb is one {@code *Command} class. To add a verb,
 * write its class and list it in {@code HostwatchCli}'s {@code subcommands}.
 *
 * <p>Verbs: {@code agent} (the member agent), and the admin verbs {@code members}, {@code member},
 * {@code history}, {@code maintenance}, {@code detector}, {@code brake} (REST API at {@code --url},
 * through {@link io.hostwatch.client.cli.ServiceClient}: {@code java.net.http} and Jackson, no Jetty)
 * and {@code watch} (ZooKeeper at {@code --zk}, through
 * {@link io.hostwatch.client.watch.VerdictSubscriber}). Read verbs take {@code --json} and print the
 * service's JSON unchanged.
 *
 * <p>Exit status: 0 success, 1 failure or not found ({@code hostwatch VERB: error: ...} on stderr,
 * one line; the stack trace only with {@code --verbose}), 2 bad usage (including a bad group or
 * host name, checked before any request), 3 service (or ZooKeeper) not reachable.
 */
package io.hostwatch.client.cli;
