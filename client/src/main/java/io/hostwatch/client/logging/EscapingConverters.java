package io.hostwatch.client.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThreadConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback converters that escape control characters (C0, DEL, C1, the Unicode line and paragraph
 * separators): a newline shows as {@code \n}, ESC as {@code \u001b}, so one event is one line.
 * Backslashes are left alone, so text escaped already is not escaped twice. {@code logback.xml}
 * registers them for {@code %m}/{@code %msg}/{@code %message} and {@code %t}/{@code %thread}.
 */
public final class EscapingConverters {
    private EscapingConverters() {
    }

    /** The formatted message, escaped. */
    public static class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return escape(super.convert(event));
        }
    }

    /** The thread name, escaped. */
    public static class ThreadName extends ThreadConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return escape(super.convert(event));
        }
    }

    /** {@code s} with every control character escaped; the same instance when there is none. */
    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
            if (!control) {
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
