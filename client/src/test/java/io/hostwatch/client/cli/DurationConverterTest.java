package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.client.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

@Timeout(10)
class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({"6s,6000", "500ms,500", "2m,120000", "1h,3600000", "PT6S,6000", "pt0.5s,500", "10S,10000",
            "' 3s ',3000", "0s,0"})
    void parses(String text, long millis) {
        assertThat(converter.convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "6", "s", "6 seconds", "-6s", "PT-6S", "1.5s", "6sec", "P", "1d"})
    void rejects(String text) {
        assertThatThrownBy(() -> converter.convert(text)).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void formatsTheShortestExactForm() {
        assertThat(Durations.format(Duration.ofSeconds(6))).isEqualTo("6s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(Durations.format(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofNanos(5))).isEqualTo("PT0.000000005S");
    }
}
