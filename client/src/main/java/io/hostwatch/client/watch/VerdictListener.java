package io.hostwatch.client.watch;

import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import org.apache.curator.framework.state.ConnectionState;

/**
 * Callbacks of a {@link VerdictSubscriber}. Every method has an empty default, so implement only
 * what you need.
 *
 * <h2>Threading</h2>
 * All callbacks of one subscriber run on <b>one thread</b> that the subscriber owns
 * ({@code hostwatch-subscriber-N}), one at a time, in the order the subscriber observed the
 * changes: a callback never runs concurrently with another, and the changes of one member arrive
 * in the order they were written. {@link #initialized} comes before any {@link #verdictChanged},
 * {@link #verdictRemoved}, {@link #memberJoined} or {@link #memberLeft};
 * {@link #connectionChanged} may come at any time.
 *
 * <p>Callbacks <b>must not block</b>: while one runs, the next waits in an unbounded queue. Hand
 * slow work (a REST call, a database write) to your own executor. An exception thrown by a
 * callback is logged and otherwise ignored; it does not stop later callbacks.
 *
 * <h2>What is delivered</h2>
 * ZooKeeper watch events carry no data, and ZooKeeper does not replay the changes a client missed
 * while it was disconnected. A subscriber therefore delivers the verdicts it <em>reads</em>: each
 * at most once, never older than the one delivered before. If a member's verdict is rewritten
 * again before the subscriber has read the previous write (faster than one ZooKeeper round trip),
 * or while the subscriber is disconnected, only the later verdict is delivered, with {@code old}
 * set to the one delivered last. After a reconnection, or a new session after its session expired,
 * the subscriber re-reads everything and delivers the <b>final</b> state of every member that
 * changed meanwhile (a changed verdict, a member that left, joined, or was replaced by a new
 * incarnation). The complete sequence of a member's transitions is kept in its history
 * ({@code GET /v1/groups/{group}/members/{host}/history}).
 */
public interface VerdictListener {
    /**
     * The first complete read is done: the verdicts and members as they were then. Called once,
     * before any other change callback.
     */
    default void initialized(VerdictSnapshot snapshot) {
    }

    /**
     * A member's published verdict changed.
     *
     * @param old the verdict delivered last for this member (by {@link #initialized} or an earlier
     *            call), or null when the member had no verdict yet
     * @param now the verdict as published now
     */
    default void verdictChanged(Verdict old, Verdict now) {
    }

    /** A member's verdict znode was deleted (an operator cleaned up); {@code last} is the one delivered last. */
    default void verdictRemoved(Verdict last) {
    }

    /** A member's heartbeat znode appeared (its agent registered). */
    default void memberJoined(MemberRegistration registration) {
    }

    /**
     * A member's heartbeat znode disappeared: its session expired or was closed. {@code last} is its
     * last registration; {@code last.leaving()} is true when the agent was stopping gracefully.
     */
    default void memberLeft(MemberRegistration last) {
    }

    /**
     * The subscriber's own ZooKeeper connection changed. While it is {@code SUSPENDED} or
     * {@code LOST} no events arrive and the state shown is the last one read; on
     * {@code RECONNECTED} the subscriber re-reads and delivers what changed.
     */
    default void connectionChanged(ConnectionState state) {
    }
}
