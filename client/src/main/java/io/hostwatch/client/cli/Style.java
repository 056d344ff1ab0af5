package io.hostwatch.client.cli;

import io.hostwatch.schema.State;

/**
 * ANSI colours for a terminal, or none. Colour is used only when the JVM has a console (stdin and
 * stdout are a terminal) and {@code --no-color} was not given, so piped output stays plain text.
 */
final class Style {
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String BLUE = "\u001b[34m";
    private static final String MAGENTA = "\u001b[35m";
    private static final String DIM = "\u001b[2m";

    static final Style PLAIN = new Style(false);

    private final boolean enabled;

    private Style(boolean enabled) {
        this.enabled = enabled;
    }

    /** Colour or not, whatever the terminal (for tests). */
    static Style of(boolean enabled) {
        return new Style(enabled);
    }

    /** Colour on a terminal unless {@code noColor}. */
    static Style forTerminal(boolean noColor) {
        return new Style(!noColor && System.console() != null);
    }

    boolean enabled() {
        return enabled;
    }

    /** The ANSI prefix for a state: green running, yellow when in doubt, red dead, dim when out of play. */
    String code(State state, boolean actionable) {
        if (!enabled || state == null) {
            return "";
        }
        return switch (state) {
            case RUNNING -> GREEN;
            case DEAD -> actionable ? BOLD + RED : RED;
            case ISOLATED -> actionable ? BOLD + RED : YELLOW;
            case SUSPECT, SERVICE_UNREACHABLE, PARTITIONED -> YELLOW;
            case UNKNOWN -> MAGENTA;
            case STOPPED, MAINTENANCE -> BLUE;
        };
    }

    String paint(String code, String text) {
        return !enabled || code.isEmpty() ? text : code + text + RESET;
    }

    String state(State state, boolean actionable, String text) {
        return paint(code(state, actionable), text);
    }

    String bold(String text) {
        return paint(enabled ? BOLD : "", text);
    }

    String dim(String text) {
        return paint(enabled ? DIM : "", text);
    }
}
