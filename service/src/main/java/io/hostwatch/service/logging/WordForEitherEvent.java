package io.hostwatch.service.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.DynamicConverter;
import io.hostwatch.schema.Printable;
import java.util.function.Supplier;

/**
 * One conversion word of the logger context's rules, which serve two kinds of layout: Dropwizard
 * builds the request log's logback-access layouts in the same logger context as the application
 * log's logback-classic layouts, and a context rule outranks both kinds' defaults. So a word both
 * kinds know ({@code %t} is the thread for an application event and the time for a request,
 * {@code %m} the message and the request method) must convert each kind of event as its own kind
 * does, or the request log fails on every request and writes nothing. A request's text (path,
 * headers, user) is escaped like every application message ({@link Printable#escape(String)}).
 */
public class WordForEitherEvent extends DynamicConverter<Object> {
    private final String word;
    private final Supplier<DynamicConverter> classic;
    private DynamicConverter<Object> forClassic;
    private DynamicConverter<Object> forAccess;

    WordForEitherEvent(String word, Supplier<DynamicConverter> classic) {
        this.word = word;
        this.classic = classic;
    }

    /** {@code word} as logback-classic's defaults convert it, for application events, and as logback-access's for requests. */
    static Supplier<DynamicConverter> plain(String word) {
        return () -> new WordForEitherEvent(word, PatternLayout.DEFAULT_CONVERTER_SUPPLIER_MAP.get(word));
    }

    /** {@code word} as {@code classic} converts it, for application events, and as logback-access's defaults for requests. */
    static Supplier<DynamicConverter> of(String word, Supplier<DynamicConverter> classic) {
        return () -> new WordForEitherEvent(word, classic);
    }

    @Override
    public void start() {
        forClassic = prepare(classic);
        forAccess = prepare(ch.qos.logback.access.common.PatternLayout.ACCESS_DEFAULT_CONVERTER_SUPPLIER_MAP.get(word));
        super.start();
    }

    @SuppressWarnings("unchecked")
    private DynamicConverter<Object> prepare(Supplier<DynamicConverter> supplier) {
        if (supplier == null) {
            return null;
        }
        DynamicConverter<Object> converter = supplier.get();
        converter.setOptionList(getOptionList());
        converter.setContext(getContext());
        converter.start();
        return converter;
    }

    @Override
    public void stop() {
        if (forClassic != null) {
            forClassic.stop();
        }
        if (forAccess != null) {
            forAccess.stop();
        }
        super.stop();
    }

    @Override
    public String convert(Object event) {
        if (event instanceof ILoggingEvent) {
            return forClassic == null ? "" : forClassic.convert(event);
        }
        return forAccess == null ? "" : Printable.escape(forAccess.convert(event));
    }
}
