package io.hostwatch.client.cli;

import io.hostwatch.client.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Converts {@code 6s}, {@code 500ms}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT6S} to a {@link Duration}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
