package io.hostwatch.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.hostwatch.service.HostwatchConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code deploy/config/service.yml}, the production example, is a configuration this service
 * accepts: every key exists (Dropwizard refuses unknown ones) and every constraint holds.
 */
@Timeout(30)
class DeployServiceConfigTest {
    private static final Path EXAMPLE = Path.of("..", "deploy", "config", "service.yml");

    @Test
    void theProductionExampleParsesAndValidates() throws Exception {
        HostwatchConfiguration c = new YamlConfigurationFactory<>(HostwatchConfiguration.class,
                Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(new FileConfigurationSourceProvider(), EXAMPLE.toString());
        assertThat(c.getZookeeper().connectString.split(",")).hasSize(3);
        assertThat(c.getZookeeper().tlsEnabled()).isTrue();
        assertThat(c.getAuth().type).isEqualTo("keystone");
        assertThat(c.getKeystone().authUrl).startsWith("https://");
    }
}
