package io.hostwatch.service.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.pattern.RootCauseFirstThrowableProxyConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.dropwizard.logging.common.PrefixedExtendedThrowableProxyConverter;
import io.dropwizard.logging.common.PrefixedRootCauseFirstThrowableProxyConverter;
import io.dropwizard.logging.common.PrefixedThrowableProxyConverter;
import io.hostwatch.schema.Printable;

/**
 * logback's and Dropwizard's stack-trace converters ({@code %ex}, {@code %rEx}, {@code %xEx},
 * {@code %dwEx}, {@code %dwREx}, {@code %dwXEx} and their long names) with the control characters
 * of exception messages escaped ({@link Printable#escapeKeepingLines}): a message that carries
 * an ESC sequence from a request body cannot drive a terminal.
 */
final class EscapingThrowableConverters {
    private EscapingThrowableConverters() {
    }

    static final class Plain extends ThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escapeKeepingLines(super.convert(event));
        }
    }

    static final class RootCauseFirst extends RootCauseFirstThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escapeKeepingLines(super.convert(event));
        }
    }

    static final class Extended extends ExtendedThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escapeKeepingLines(super.convert(event));
        }
    }

    static final class Prefixed extends PrefixedThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escapeKeepingLines(super.convert(event));
        }
    }

    static final class PrefixedRootCauseFirst extends PrefixedRootCauseFirstThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escapeKeepingLines(super.convert(event));
        }
    }

    static final class PrefixedExtended extends PrefixedExtendedThrowableProxyConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return Printable.escapeKeepingLines(super.convert(event));
        }
    }
}
