package io.hostwatch.client.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.client.watch.VerdictListener;
import io.hostwatch.client.watch.VerdictSnapshot;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import java.io.PrintWriter;
import java.time.Instant;
import org.apache.curator.framework.state.ConnectionState;

/** What {@code hostwatch watch} prints for each subscriber callback; runs on the subscriber's thread. */
final class WatchPrinter implements VerdictListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final boolean json;
    private final boolean all;
    private final boolean members;
    private final Runnable outputClosed;

    WatchPrinter(PrintWriter out, PrintWriter err, Style style, boolean json, boolean all, boolean members) {
        this(out, err, style, json, all, members, () -> { });
    }

    /** {@code outputClosed} runs when stdout can no longer be written (the reader of a pipe went away). */
    WatchPrinter(PrintWriter out, PrintWriter err, Style style, boolean json, boolean all, boolean members,
                 Runnable outputClosed) {
        this.outputClosed = outputClosed;
        this.out = out;
        this.err = err;
        this.style = style;
        this.json = json;
        this.all = all;
        this.members = members;
    }

    @Override
    public void initialized(VerdictSnapshot snapshot) {
        long groups = snapshot.verdicts().keySet().stream().map(id -> id.group()).distinct().count();
        err.println("hostwatch watch: watching " + snapshot.verdicts().size() + " members in " + groups
                + (groups == 1 ? " group" : " groups") + " (" + snapshot.members().size()
                + " with a heartbeat); Ctrl-C stops");
        err.flush();
    }

    @Override
    public void verdictChanged(Verdict old, Verdict now) {
        if (!all && !VerdictText.isTransition(old, now)) {
            return;
        }
        Instant at = now.updatedAt() != null ? now.updatedAt() : Instant.now();
        if (json) {
            ObjectNode e = event("verdict", at, now.group(), now.host());
            e.put("from", old == null ? null : old.state().name());
            e.put("to", now.state().name());
            e.put("actionable", now.actionable());
            e.set("verdict", Json.mapper().valueToTree(now));
            emit(e);
            return;
        }
        emit(VerdictText.preciseTime(at) + "  " + now.id() + "  "
                + (old == null ? "new" : VerdictText.longState(old)) + " -> "
                + style.state(now.state(), now.actionable(), VerdictText.longState(now)) + "  "
                + ServiceClient.oneLine(now.reason() == null ? "" : now.reason()));
    }

    @Override
    public void verdictRemoved(Verdict last) {
        Instant at = Instant.now();
        if (json) {
            emit(event("removed", at, last.group(), last.host()));
        } else {
            emit(VerdictText.preciseTime(at) + "  " + last.id() + "  verdict removed");
        }
    }

    @Override
    public void memberJoined(MemberRegistration r) {
        if (members) {
            membership("joined", r, "joined (address " + r.address() + ", incarnation " + r.incarnation() + ")");
        }
    }

    @Override
    public void memberLeft(MemberRegistration r) {
        if (members) {
            membership("left", r, r.leaving() ? "left (graceful stop)" : "left (heartbeat znode gone)");
        }
    }

    @Override
    public void connectionChanged(ConnectionState state) {
        String what = switch (state) {
            case SUSPENDED -> "ZooKeeper connection SUSPENDED: nothing arrives until it is back";
            case LOST -> "ZooKeeper session LOST: waiting for a new one";
            case RECONNECTED -> "ZooKeeper connection back: showing what changed meanwhile";
            default -> null;
        };
        if (what != null) {
            err.println("hostwatch watch: " + what);
            err.flush();
        }
    }

    private void membership(String kind, MemberRegistration r, String text) {
        Instant at = Instant.now();
        if (json) {
            ObjectNode e = event(kind, at, r.group(), r.host());
            e.set("registration", Json.mapper().valueToTree(r));
            emit(e);
        } else {
            emit(VerdictText.preciseTime(at) + "  " + r.group() + "/" + r.host() + "  " + text);
        }
    }

    private static ObjectNode event(String kind, Instant at, String group, String host) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("event", kind);
        e.put("at", at.toString());
        e.put("group", group);
        e.put("host", host);
        return e;
    }

    private void emit(ObjectNode e) {
        try {
            emit(Json.mapper().writeValueAsString(e));
        } catch (JsonProcessingException impossible) {
            err.println("hostwatch watch: cannot encode an event: " + impossible.getMessage());
        }
    }

    private void emit(String line) {
        out.println(line);
        if (out.checkError()) {
            outputClosed.run();
        }
    }
}
