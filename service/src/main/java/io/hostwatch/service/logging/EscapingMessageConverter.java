package io.hostwatch.service.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThreadConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import io.hostwatch.schema.Printable;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * {@code %m}, {@code %msg}, {@code %message}: the formatted message with its control characters
 * escaped ({@link Printable#escape(String)}), so one event is one line. {@link #install()} makes it the
 * converter of those words in every logback pattern layout of the JVM, Dropwizard's included
 * (Dropwizard registers its own {@code %dwEx} converters the same way); the words keep their
 * meaning in any {@code logFormat} an operator configures.
 *
 * <p>Only the start-up listings that Dropwizard composes from the application's own code (the
 * resource and task tables) keep their line breaks. A stack trace keeps its lines too
 * ({@link EscapingThrowableConverters}: Dropwizard prefixes each of them with {@code !}, so none can
 * pass for an event), with every other control character escaped.
 */
public class EscapingMessageConverter extends MessageConverter {
    /** Loggers whose multi-line messages are made from code alone, at start-up. */
    static final Set<String> LISTINGS = Set.of(
            "io.dropwizard.jersey.DropwizardResourceConfig",
            "io.dropwizard.core.setup.AdminEnvironment");

    /** Words of logback-access whose text comes from the request (path, headers, user, cookies). */
    static final Set<String> REQUEST_TEXT = Set.of(
            "r", "requestURL", "U", "requestURI", "q", "queryString", "i", "header", "u", "user",
            "reqCookie", "requestCookie", "responseHeader", "h", "clientHost");

    @Override
    public String convert(ILoggingEvent event) {
        String message = super.convert(event);
        return LISTINGS.contains(event.getLoggerName()) ? message : Printable.escape(message);
    }

    /** The thread name ({@code %t}, {@code %thread}) escaped the same way (a request thread's name holds its path). */
    public static class ThreadName extends ThreadConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escape(super.convert(event));
        }
    }

    /** Every conversion word this package escapes, with its escaping converter. */
    static Map<String, Supplier<DynamicConverter>> rules() {
        Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
        for (String word : new String[] {"m", "msg", "message"}) {
            rules.put(word, EscapingMessageConverter::new);
        }
        for (String word : new String[] {"t", "thread"}) {
            rules.put(word, ThreadName::new);
        }
        for (String word : new String[] {"ex", "exception", "throwable"}) {
            rules.put(word, EscapingThrowableConverters.Plain::new);
        }
        for (String word : new String[] {"rEx", "rootException"}) {
            rules.put(word, EscapingThrowableConverters.RootCauseFirst::new);
        }
        for (String word : new String[] {"xEx", "xException", "xThrowable"}) {
            rules.put(word, EscapingThrowableConverters.Extended::new);
        }
        for (String word : new String[] {"dwEx", "dwException", "dwThrowable"}) {
            rules.put(word, EscapingThrowableConverters.Prefixed::new);
        }
        for (String word : new String[] {"dwREx", "dwRootException"}) {
            rules.put(word, EscapingThrowableConverters.PrefixedRootCauseFirst::new);
        }
        for (String word : new String[] {"dwXEx", "dwXException", "dwXThrowable"}) {
            rules.put(word, EscapingThrowableConverters.PrefixedExtended::new);
        }
        // the request log's layouts share these rules: a word logback-access knows converts a
        // request as logback-access does, its text escaped (see WordForEitherEvent)
        for (String word : new String[] {"m", "t"}) {
            rules.put(word, WordForEitherEvent.of(word, rules.get(word)));
        }
        for (String word : REQUEST_TEXT) {
            rules.put(word, WordForEitherEvent.plain(word));
        }
        return rules;
    }

    /**
     * Makes these converters those of their words in every pattern layout: the JVM-wide defaults,
     * and the logger context's own conversion rules, which outrank the defaults (Dropwizard puts
     * its {@code %dwEx} family into the defaults again whenever it builds a layout) and which a
     * listener registers again after every reset of the context (Dropwizard resets it before it
     * builds the configured appenders). Idempotent.
     */
    public static void install() {
        Map<String, Supplier<DynamicConverter>> rules = rules();
        for (String word : new String[] {"m", "msg", "message", "t", "thread"}) {
            PatternLayout.DEFAULT_CONVERTER_SUPPLIER_MAP.put(word, rules.get(word));
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            register(context);
            if (context.getCopyOfListenerList().stream().noneMatch(l -> l instanceof Reregister)) {
                context.addListener(new Reregister());
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void register(Context context) {
        Object found = context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        Map<String, Supplier<DynamicConverter>> registry;
        if (found instanceof Map<?, ?> map) {
            registry = (Map<String, Supplier<DynamicConverter>>) map;
        } else {
            registry = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, registry);
        }
        registry.putAll(rules());
    }

    /** Registers the rules again after each reset of the logger context (which clears them). */
    private static final class Reregister implements LoggerContextListener {
        @Override
        public boolean isResetResistant() {
            return true;
        }

        @Override
        public void onStart(LoggerContext context) {
        }

        @Override
        public void onReset(LoggerContext context) {
            register(context);
        }

        @Override
        public void onStop(LoggerContext context) {
        }

        @Override
        public void onLevelChange(Logger logger, Level level) {
        }
    }
}
