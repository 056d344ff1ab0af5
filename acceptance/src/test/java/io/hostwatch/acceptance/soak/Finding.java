package io.hostwatch.acceptance.soak;

import java.time.Instant;

/**
 * One thing the checker found: a violation of a rule, or a verdict in the class of double faults
 * no probe can tell from a power loss. Its text names the rule, the host and the time.
 *
 * @param category violation, or the indistinguishable double fault
 * @param rule the rule's name, e.g. {@code safety.live-host-dead}
 * @param host the member host (or the group for group-wide rules)
 * @param at the time of the verdict or call judged
 * @param message what was published and what the nemesis had done
 */
public record Finding(Category category, String rule, String host, Instant at, String message) {
    /** What a finding is. */
    public enum Category {
        VIOLATION,
        /** An isolated host whose agent then died or hung, published DEAD: no probe can tell it from power loss. */
        INDISTINGUISHABLE
    }

    @Override
    public String toString() {
        return category + " [" + rule + "] " + host + " at " + at + ": " + message;
    }
}
