package io.hostwatch.service.nova;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.service.HostwatchConfiguration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code nova.*}, {@code keystone.*}, {@code masakari.*} as an operator writes them. */
@Timeout(20)
class NovaConfigurationTest {
    private final YamlConfigurationFactory<HostwatchConfiguration> factory = new YamlConfigurationFactory<>(
            HostwatchConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    @TempDir
    Path dir;

    @Test
    void offByDefault() throws Exception {
        HostwatchConfiguration c = parse("{}");
        assertThat(c.getNova().enabled).isFalse();
        assertThat(c.getMasakari().enabled).isFalse();
        assertThat(c.getNova().reenable).isFalse();
        assertThat(c.getKeystone().interfaceName).isEqualTo("internal");
        assertThat(c.getKeystone().allowInsecureHttp).isFalse();
    }

    @Test
    void plainHttpIsRefusedBeyondLoopbackUnlessAllowed() throws Exception {
        HostwatchConfiguration remote = parse("""
                keystone: {authUrl: 'http://keystone.example.com:5000/v3', username: u, projectName: p,
                           password: {env: X}}
                """);
        assertThat(remote.getKeystone().problems()).anyMatch(p -> p.contains("must be https"));
        HostwatchConfiguration spoofed = parse("""
                keystone: {authUrl: 'http://127.0.0.1.example.com/v3', username: u, projectName: p,
                           password: {env: X}}
                """);
        assertThat(spoofed.getKeystone().problems()).anyMatch(p -> p.contains("must be https"));
        HostwatchConfiguration local = parse("""
                keystone: {authUrl: 'http://127.0.0.1:5000/v3', username: u, projectName: p, password: {env: X}}
                """);
        assertThat(local.getKeystone().problems()).isEmpty();
        HostwatchConfiguration allowed = parse("""
                keystone: {authUrl: 'http://keystone.example.com:5000/v3', username: u, projectName: p,
                           password: {env: X}, allowInsecureHttp: true}
                """);
        assertThat(allowed.getKeystone().problems()).isEmpty();
    }

    @Test
    void theDocumentedExampleParses() throws Exception {
        HostwatchConfiguration c = parse("""
                nova:
                  enabled: true
                  hostSuffix: .cloud.example.com
                  hostMap: {odd1: compute-odd-1.cloud.example.com}
                  requestTimeout: 10s
                  retryMaxDelay: 2m
                keystone:
                  authUrl: https://keystone.example.com:5000/v3
                  username: hostwatch
                  password: {file: /etc/hostwatch/keystone-password}
                  projectName: service
                  interface: internal
                  region: RegionOne
                masakari:
                  enabled: true
                """);
        assertThat(c.getNova().mapping().novaHost("host1")).isEqualTo("host1.cloud.example.com");
        assertThat(c.getNova().mapping().novaHost("odd1")).isEqualTo("compute-odd-1.cloud.example.com");
        assertThat(c.getKeystone().interfaceName).isEqualTo("internal");
        assertThat(c.getKeystone().password.file).isEqualTo("/etc/hostwatch/keystone-password");
        assertThat(c.getKeystone().problems()).isEmpty();
    }

    @Test
    void enabledWithoutCredentialsIsRejected() {
        assertThatThrownBy(() -> parse("nova: {enabled: true}"))
                .isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("nova.enabled needs complete keystone.* settings");
        assertThatThrownBy(() -> parse("""
                nova: {enabled: true}
                keystone: {authUrl: 'http://127.0.0.1:5000/v3', username: u, projectName: p,
                           password: {file: /x, env: Y}}
                """)).isInstanceOf(ConfigurationValidationException.class)
                .hasMessageContaining("exactly one of 'file' or 'env'");
        assertThatThrownBy(() -> parse("keystone: {interface: private}"))
                .isInstanceOf(ConfigurationValidationException.class);
    }

    @Test
    void applicationCredentialsNeedIdAndSecret() {
        KeystoneConfiguration k = new KeystoneConfiguration();
        k.authUrl = "https://keystone.example.com/v3";
        k.authType = KeystoneConfiguration.APPLICATION_CREDENTIAL;
        assertThat(k.problems()).hasSize(2);
        k.applicationCredentialId = "abc";
        k.applicationCredentialSecret = SecretSource.ofEnv("HOSTWATCH_APP_CRED_SECRET");
        assertThat(k.problems()).isEmpty();
    }

    @Test
    void secretsComeFromAFileOrTheEnvironmentAndAreNeverShown() {
        Path file = StubClients.writeSecret(dir, "pw", "hunter2-very-secret\n");
        SecretSource fromFile = SecretSource.ofFile(file);
        assertThat(fromFile.read()).isEqualTo("hunter2-very-secret");
        SecretSource fromEnv = SecretSource.ofEnv("HW_SECRET");
        assertThat(fromEnv.read(Map.of("HW_SECRET", "from-env-secret")::get)).isEqualTo("from-env-secret");
        assertThatThrownBy(() -> fromEnv.read(name -> null)).isInstanceOf(HostwatchException.class)
                .hasMessageContaining("env:HW_SECRET");

        KeystoneConfiguration k = new KeystoneConfiguration();
        k.password = fromFile;
        k.applicationCredentialSecret = fromEnv;
        assertThat(k.toString()).contains("file:" + file).contains("env:HW_SECRET")
                .doesNotContain("hunter2").doesNotContain("from-env-secret");
        assertThat(fromFile.toString()).doesNotContain("hunter2");
    }

    @Test
    void aMissingSecretFileSaysWhichFileNotWhatWasExpected() {
        SecretSource missing = SecretSource.ofFile(dir.resolve("absent"));
        assertThatThrownBy(missing::read).isInstanceOf(HostwatchException.class).hasMessageContaining("absent");
    }

    private HostwatchConfiguration parse(String yaml) throws Exception {
        return factory.build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yml");
    }
}
