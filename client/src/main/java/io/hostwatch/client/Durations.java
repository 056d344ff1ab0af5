package io.hostwatch.client;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax of hostwatch's flags and config files: a whole number with a unit
 * ({@code 500ms}, {@code 6s}, {@code 2m}, {@code 1h}) or ISO-8601 ({@code PT6S}).
 */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException when {@code text} is not a duration, or is negative
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration: use e.g. 6s, 500ms, 2m or PT6S");
        }
        Duration value;
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p') {
            try {
                value = Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + s + "' is not an ISO-8601 duration such as PT6S");
            }
        } else {
            Matcher m = SIMPLE.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + s + "' is not a duration: use e.g. 6s, 500ms, 2m, 1h or PT6S");
            }
            long amount = Long.parseLong(m.group(1));
            value = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (value.isNegative()) {
            throw new IllegalArgumentException("duration '" + s + "' is negative");
        }
        return value;
    }

    /** The shortest exact form in the simple syntax: {@code 6s}, {@code 1500ms}, {@code 2m}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative() || d.getNano() % 1_000_000 != 0) {
            return d.toString();
        }
        long millis = d.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
