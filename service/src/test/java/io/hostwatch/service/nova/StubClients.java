package io.hostwatch.service.nova;

import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The real Keystone, Nova and Masakari clients, configured against an {@link OpenStackStub}. */
final class StubClients {
    final MetricRegistry metrics = new MetricRegistry();
    final KeystoneSession keystone;
    final NovaClient nova;
    final MasakariClient masakari;

    StubClients(OpenStackStub stub, Path secretDir, Clock clock, Duration requestTimeout) {
        this(keystoneConfig(stub, secretDir), clock, requestTimeout);
    }

    StubClients(KeystoneConfiguration config, Clock clock, Duration requestTimeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1).build();
        keystone = new KeystoneSession(config, http, requestTimeout, clock, metrics);
        OpenStackHttp openstack = new OpenStackHttp(keystone, http, requestTimeout, metrics);
        nova = new NovaClient(openstack, null);
        masakari = new MasakariClient(openstack, null);
    }

    /** Password auth as the stub's user, its password in a file, catalog interface internal in RegionOne. */
    static KeystoneConfiguration keystoneConfig(OpenStackStub stub, Path secretDir) {
        KeystoneConfiguration k = new KeystoneConfiguration();
        k.authUrl = stub.authUrl();
        k.username = OpenStackStub.USER;
        k.password = SecretSource.ofFile(writeSecret(secretDir, "keystone-password", OpenStackStub.PASSWORD + "\n"));
        k.projectName = OpenStackStub.PROJECT;
        k.interfaceName = "internal";
        k.region = OpenStackStub.REGION;
        return k;
    }

    static Path writeSecret(Path dir, String name, String value) {
        try {
            return Files.writeString(dir.resolve(name), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long count(String name) {
        return metrics.counter(name).getCount();
    }
}
