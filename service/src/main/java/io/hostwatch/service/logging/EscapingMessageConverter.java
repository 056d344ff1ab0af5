package io.hostwatch.service.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThreadConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Set;

/**
 * {@code %m}, {@code %msg}, {@code %message}: the formatted message with its control characters
 * escaped ({@link ControlChars}), so one event is one line. {@link #install()} makes it the
 * converter of those words in every logback pattern layout of the JVM, Dropwizard's included
 * (Dropwizard registers its own {@code %dwEx} converters the same way); the words keep their
 * meaning in any {@code logFormat} an operator configures.
 *
 * <p>Only the start-up listings that Dropwizard composes from the application's own code (the
 * resource and task tables) keep their line breaks. A stack trace keeps its lines too: Dropwizard
 * prefixes each of them with {@code !}, so none can pass for an event.
 */
public class EscapingMessageConverter extends MessageConverter {
    /** Loggers whose multi-line messages are made from code alone, at start-up. */
    static final Set<String> LISTINGS = Set.of(
            "io.dropwizard.jersey.DropwizardResourceConfig",
            "io.dropwizard.core.setup.AdminEnvironment");

    @Override
    public String convert(ILoggingEvent event) {
        String message = super.convert(event);
        return LISTINGS.contains(event.getLoggerName()) ? message : ControlChars.escape(message);
    }

    /** The thread name ({@code %t}, {@code %thread}) escaped the same way (a request thread's name holds its path). */
    public static class ThreadName extends ThreadConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return ControlChars.escape(super.convert(event));
        }
    }

    /** Makes these converters the JVM-wide defaults for their words; idempotent. */
    public static void install() {
        for (String word : new String[] {"m", "msg", "message"}) {
            PatternLayout.DEFAULT_CONVERTER_SUPPLIER_MAP.put(word, EscapingMessageConverter::new);
        }
        for (String word : new String[] {"t", "thread"}) {
            PatternLayout.DEFAULT_CONVERTER_SUPPLIER_MAP.put(word, ThreadName::new);
        }
    }
}
