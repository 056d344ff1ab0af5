package io.hostwatch.service.logging;

/**
 * Escapes the characters that could forge a log line or drive a terminal: C0 controls (newline,
 * carriage return, ESC, ...), DEL, C1 controls and the Unicode line and paragraph separators.
 * A newline shows as {@code \n}, ESC as {@code \u001b}. Backslashes are left alone, so text that
 * was escaped already (by {@code LogText}) is not escaped twice.
 */
public final class ControlChars {
    private ControlChars() {
    }

    static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }

    /** {@code s} with every control character escaped; the same instance when there is none; null stays null. */
    public static String escape(String s) {
        return escape(s, false);
    }

    /**
     * A stack trace as a logback converter renders it, with every control character escaped but the
     * line breaks and tabs that give it its lines (every line of which Dropwizard's converters
     * prefix with {@code !}).
     */
    public static String escapeKeepingLines(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepLines) {
        if (s == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isControl(c) || keepLines && (c == '\n' || c == '\t')) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? s : b.toString();
    }
}
