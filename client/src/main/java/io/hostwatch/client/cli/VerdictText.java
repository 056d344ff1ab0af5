package io.hostwatch.client.cli;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.OperatorAction;
import io.hostwatch.schema.Verdict;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** How the admin verbs show verdicts to a person: times, state labels, the evidence block, a transition line. */
final class VerdictText {
    private VerdictText() {
    }

    /** ISO-8601 to the second, UTC; {@code -} when absent. */
    static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** ISO-8601 to the millisecond, UTC, for event lines. */
    static String preciseTime(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** {@code 2026-11-24T12:00:00Z (5m ago)}. */
    static String since(Instant t, Instant now) {
        return t == null ? "-" : time(t) + " (" + ago(t, now) + ")";
    }

    static String ago(Instant t, Instant now) {
        Duration d = Duration.between(t, now);
        if (d.isNegative()) {
            return "just now";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s ago";
        }
        if (s < 3600) {
            return s / 60 + "m ago";
        }
        if (s < 86_400) {
            return s / 3600 + "h ago";
        }
        return s / 86_400 + "d ago";
    }

    /** The state, with {@code *} when actionable (tables explain the mark). */
    static String shortState(Verdict v) {
        return (v.state() == null ? "?" : v.state().name()) + (v.actionable() ? "*" : "");
    }

    /** {@code DEAD [actionable]}, {@code DEAD [held: BRAKE]}, or the state alone. */
    static String longState(Verdict v) {
        String s = v.state() == null ? "?" : v.state().name();
        if (v.actionable()) {
            s += " [actionable]";
        }
        if (v.holds() != null && !v.holds().isEmpty()) {
            s += " [held: " + String.join(", ", v.holds()) + "]";
        }
        return s;
    }

    /** A transition as {@code watch} prints it: state, actionable flag or holds changed (or a new member). */
    static boolean isTransition(Verdict old, Verdict now) {
        return old == null || old.state() != now.state() || old.actionable() != now.actionable()
                || !Objects.equals(holds(old), holds(now));
    }

    private static List<String> holds(Verdict v) {
        return v.holds() == null ? List.of() : v.holds();
    }

    /** An operator's call as one line: {@code MAINTENANCE_ON by hw-operator@admin at ... (req-...)}; escaped by the caller. */
    static String operatorAction(OperatorAction a) {
        return (a.action() == null ? "operator call" : a.action()) + " by " + (a.by() == null ? "?" : a.by())
                + (a.at() == null ? "" : " at " + time(a.at())) + (a.requestId() == null ? "" : " (" + a.requestId() + ")");
    }

    /** The full verdict with its evidence, for {@code member}. */
    static void printDetail(PrintWriter out, Verdict v, Style style, Instant now) {
        out.println(style.bold(v.group() + "/" + v.host()) + "  "
                + style.state(v.state(), v.actionable(), longState(v)));
        field(out, "reason", v.reason());
        field(out, "since", since(v.since(), now));
        field(out, "address", v.address());
        field(out, "incarnation", v.incarnation());
        field(out, "epoch", v.epoch() < 0 ? "- (not yet published by the leader)" : Long.toString(v.epoch()));
        if (v.safeToRecoverAt() != null) {
            field(out, "safe to recover", time(v.safeToRecoverAt()));
        }
        field(out, "updated", since(v.updatedAt(), now));
        if (v.operatorAction() != null) {
            field(out, "caused by", operatorAction(v.operatorAction()));
        }
        Evidence e = v.evidence();
        if (e == null) {
            out.println("evidence: none recorded yet");
            return;
        }
        out.println("evidence:");
        if (e.heartbeat() != null) {
            signal(out, "heartbeat", e.heartbeat().status(), e.heartbeat().observedAt(), e.heartbeat().detail());
        }
        if (e.ping() != null) {
            Evidence.Ping p = e.ping();
            String how = join(p.method() == null ? null : "via " + p.method(),
                    p.rttMicros() == null ? null : String.format(Locale.ROOT, "rtt %.1f ms", p.rttMicros() / 1000.0),
                    p.detail());
            signal(out, "ping", p.status(), p.observedAt(), how);
        }
        if (e.storage() != null) {
            Evidence.Storage s = e.storage();
            String how = join(s.seq() == null ? null : "seq " + s.seq(),
                    s.flags() == null || s.flags().isEmpty() ? null : "flags " + s.flags(),
                    s.millisSinceAdvance() == null ? null : s.millisSinceAdvance() + " ms since it advanced",
                    s.detail());
            signal(out, "storage", s.status(), s.observedAt(), how);
        }
        if (e.flaps() != null) {
            out.println("  flaps      " + e.flaps() + " losses within the flap window");
        }
    }

    private static void field(PrintWriter out, String name, String value) {
        out.println(String.format(Locale.ROOT, "  %-16s %s", name, value == null ? "-" : ServiceClient.oneLine(value)));
    }

    private static void signal(PrintWriter out, String name, Object status, Instant at, String detail) {
        out.println(String.format(Locale.ROOT, "  %-10s %-8s %s%s", name, status, time(at),
                detail == null || detail.isEmpty() ? "" : "  " + ServiceClient.oneLine(detail)));
    }

    private static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (p != null && !p.isBlank()) {
                b.append(b.length() == 0 ? "" : ", ").append(p);
            }
        }
        return b.toString();
    }
}
