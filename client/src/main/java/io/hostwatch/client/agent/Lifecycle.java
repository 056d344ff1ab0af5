package io.hostwatch.client.agent;

/** The states of every stateful object of the agent, in the order they are passed. */
enum Lifecycle {
    LATENT,
    STARTED,
    CLOSED
}
