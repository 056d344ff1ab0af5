package io.hostwatch.schema;

/**
 * Text from outside (host and group names, ZooKeeper records a compromised host may have written,
 * request paths and headers, token attributes, answers of other services) made safe for one line
 * of a log or a terminal: every character that could end the line or drive the terminal is shown
 * escaped, so such text can neither forge a log line nor send an escape sequence.
 *
 * <p>Escaped are the C0 controls (newline, carriage return, tab, ESC, ...), DEL, the C1 controls
 * (U+0080 to U+009F, among them NEL and the one-character CSI), the Unicode line and paragraph
 * separators (U+2028, U+2029) and the bidirectional formatting characters (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069), which reorder how the rest of a line is shown: with an
 * RLO in a reason, {@code DEAD} could read as something else on the operator's terminal. A
 * newline shows as {@code \n}, a carriage return as {@code \r}, a tab as {@code \t}, any other as {@code \u001b} (four lower-case hex digits). Everything else,
 * other non-ASCII text included, is left as it is.
 *
 * <p>{@link #escape(String)} leaves backslashes alone, so that text escaped once (by
 * {@link #escapeReversibly(String)}, say, before it goes into a log message) is not escaped
 * again by the log layout.
 */
public final class Printable {
    /** What stands in for the cut end of text longer than a limit. */
    public static final String CUT = "...";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {
    }

    /** True for the characters this class escapes: C0, DEL, C1, U+2028, U+2029 and the bidi controls. */
    public static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029' || isBidi(c);
    }

    /** The bidirectional formatting characters: ALM, LRM, RLM, LRE to RLO, LRI to PDI. */
    private static boolean isBidi(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** {@code s} with every control character escaped; the same instance when there is none; null stays null. */
    public static String escape(String s) {
        return escape(s, false, false);
    }

    /**
     * {@code s} escaped as {@link #escape(String)} does, then cut to at most {@code maxLength}
     * characters with {@link #CUT} appended when anything was cut. An escape sequence or a
     * surrogate pair is never cut in half. Null stays null.
     */
    public static String escape(String s, int maxLength) {
        if (maxLength < 0) {
            throw new IllegalArgumentException("maxLength must not be negative: " + maxLength);
        }
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), maxLength) + CUT.length());
        for (int i = 0; i < s.length(); i++) {
            int before = b.length();
            char c = s.charAt(i);
            if (isControl(c)) {
                appendEscaped(b, c);
            } else {
                b.append(c);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    b.append(s.charAt(++i));
                }
            }
            if (b.length() > maxLength) {
                b.setLength(before);
                return b.append(CUT).toString();
            }
        }
        return b.toString();
    }

    /**
     * A text made of lines, such as a stack trace, with every control character escaped but the
     * line breaks ({@code \n}) and tabs that give it its lines. Whoever prints it must mark each
     * of its lines (Dropwizard's stack trace layouts start each with {@code !}) so that none can
     * pass for a line of its own.
     */
    public static String escapeKeepingLines(String s) {
        return escape(s, true, false);
    }

    /**
     * {@code s} with every control character and every backslash escaped (a backslash as
     * {@code \\}), so the text can be read back exactly: an escape sequence written literally in
     * {@code s} cannot pass for an escaped control character. Null stays null; the same instance
     * when there is nothing to escape.
     */
    public static String escapeReversibly(String s) {
        return escape(s, false, true);
    }

    private static String escape(String s, boolean keepLines, boolean backslashes) {
        if (s == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escaped = isControl(c) ? !(keepLines && (c == '\n' || c == '\t')) : backslashes && c == '\\';
            if (escaped) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                appendEscaped(b, c);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    private static void appendEscaped(StringBuilder b, char c) {
        switch (c) {
            case '\\' -> b.append("\\\\");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            default -> b.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                    .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
        }
    }
}
