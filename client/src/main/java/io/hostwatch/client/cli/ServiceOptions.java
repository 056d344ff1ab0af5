package io.hostwatch.client.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --url}, {@code --verbose} and the {@code --os-*} credentials of the verbs that talk to the REST API. */
final class ServiceOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:HOSTWATCH_URL:-http://localhost:8080}",
            description = "REST API of a hostwatch service (default: $HOSTWATCH_URL, else http://localhost:8080; "
                    + "now ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--verbose", description = "On an error, print the stack trace too.")
    boolean verbose;

    @Mixin
    OsOptions os;

    ServiceClient client() {
        OsOptions credentials = os;
        return new ServiceClient(url, credentials == null ? null : credentials.sslContext(),
                credentials == null ? http -> null : credentials::token);
    }
}
