package io.hostwatch.client.cli;

import picocli.CommandLine.Option;

/** {@code --url} and {@code --verbose} of the verbs that talk to the REST API. */
final class ServiceOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:HOSTWATCH_URL:-http://localhost:8080}",
            description = "REST API of a hostwatch service (default: $HOSTWATCH_URL, else http://localhost:8080; "
                    + "now ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--verbose", description = "On an error, print the stack trace too.")
    boolean verbose;

    ServiceClient client() {
        return new ServiceClient(url);
    }
}
