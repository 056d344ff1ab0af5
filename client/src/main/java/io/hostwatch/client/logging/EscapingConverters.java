package io.hostwatch.client.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThreadConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.hostwatch.schema.Printable;

/**
 * Logback converters that escape control characters ({@link Printable#escape(String)}: C0, DEL,
 * C1, the Unicode line and paragraph separators): a newline shows as {@code \n}, ESC as
 * {@code \u001b}, so one event is one line. Backslashes are left alone, so text escaped already is
 * not escaped twice. {@code logback.xml} registers them for {@code %m}/{@code %msg}/{@code %message}
 * and {@code %t}/{@code %thread}.
 */
public final class EscapingConverters {
    private EscapingConverters() {
    }

    /** The formatted message, escaped. */
    public static class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escape(super.convert(event));
        }
    }

    /** The thread name, escaped. */
    public static class ThreadName extends ThreadConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escape(super.convert(event));
        }
    }
}
