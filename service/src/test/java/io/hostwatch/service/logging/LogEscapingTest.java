package io.hostwatch.service.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.logging.common.LoggingFactory;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A hostile value logged through the service's real logging set-up (the {@code logging:} section
 * of its configuration, as Dropwizard builds it once {@link HostwatchApplication} is loaded) is one
 * line with its control characters escaped, in Dropwizard's default format and in an operator's own.
 */
@Timeout(30)
class LogEscapingTest {
    private static final String HOSTILE = "h1\n2026-11-30 INFO  hostwatch.audit: forged\r\u001b[31mred\u001b[0m\u0085\u2028end";

    @TempDir
    Path dir;

    @Test
    void aHostileValueIsOneEscapedLineInTheDefaultFormat() throws Exception {
        List<String> lines = logThrough(null, "caller-controlled: {}", HOSTILE);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .startsWith("INFO")
                .contains("hostwatch.test.hostile: caller-controlled: h1\\n2026-11-30 INFO  hostwatch.audit: forged"
                        + "\\r\\u001b[31mred\\u001b[0m\\u0085\\u2028end")
                .doesNotContain("\u001b", "\r", "\u0085", "\u2028");
    }

    @Test
    void anOperatorsOwnFormatEscapesTheMessageAndTheThreadName() throws Exception {
        Thread.currentThread().setName("worker\nINFO forged");
        try {
            List<String> lines = logThrough("'[%thread] %logger: %msg%n'", "concatenated " + HOSTILE);
            assertThat(lines).containsExactly("[worker\\nINFO forged] hostwatch.test.hostile: concatenated h1\\n"
                    + "2026-11-30 INFO  hostwatch.audit: forged\\r\\u001b[31mred\\u001b[0m\\u0085\\u2028end");
        } finally {
            Thread.currentThread().setName("main");
        }
    }

    @Test
    void alreadyEscapedTextIsNotEscapedTwice() throws Exception {
        List<String> lines = logThrough("'%m%n'", "by {}", Printable.escapeReversibly("a\nb"));
        assertThat(lines).containsExactly("by a\\nb");
    }

    private List<String> logThrough(String logFormat, String message, Object... args) throws Exception {
        Class.forName(HostwatchApplication.class.getName()); // what the service's start does first
        Path file = dir.resolve("hostwatch.log");
        String yaml = """
                logging:
                  level: WARN
                  loggers: {hostwatch.test.hostile: INFO}
                  appenders:
                    - type: file
                      currentLogFilename: "%s"
                      archive: false
                %s
                """.formatted(file, logFormat == null ? "" : "      logFormat: " + logFormat);
        HostwatchConfiguration config = new YamlConfigurationFactory<>(HostwatchConfiguration.class,
                Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(f -> new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yml");
        LoggingFactory logging = config.getLoggingFactory();
        logging.configure(new MetricRegistry(), "hostwatch-test");
        try {
            LoggerFactory.getLogger("hostwatch.test.hostile").info(message, args);
        } finally {
            logging.stop();
            logging.reset();
        }
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
