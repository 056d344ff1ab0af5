package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The writer's lanes and batches, without ZooKeeper: SUSPECT first and not held back by batches in flight. */
@Timeout(30)
class WriteLanesTest {
    private final WriteLanes lanes = new WriteLanes();

    private static PendingWrite write(String host, State from, State to, long epoch) {
        Verdict next = verdict(host, to, epoch);
        return new PendingWrite(next, from == null ? null : verdict(host, from, epoch), null, epoch, Json.write(next),
                new CompletableFuture<>());
    }

    private static Verdict verdict(String host, State state, long epoch) {
        return new Verdict("compute", host, "192.0.2.1", state, state + " test", Instant.EPOCH, false, null, "inc",
                epoch, null, Instant.EPOCH);
    }

    private static List<String> hosts(List<PendingWrite> batch) {
        return batch.stream().map(p -> p.next() == null ? "brake" : p.next().host() + ":" + p.next().state()).toList();
    }

    @Test
    void aSuspectIsSentWhileOrdinaryBatchesFillEveryOrdinarySlot() {
        for (int i = 0; i < WriteLanes.MAX_IN_FLIGHT; i++) {
            lanes.add(new PendingWrite(null, null, new BrakeRecord("g" + i, true, Instant.EPOCH, 1, 2, "t", null),
                    1, new byte[0], new CompletableFuture<>()));
            assertThat(hosts(lanes.next())).containsExactly("brake"); // a brake record goes alone
        }
        lanes.add(write("h1", State.SUSPECT, State.DEAD, 1));
        assertThat(lanes.ready()).as("an ordinary write waits for a slot").isFalse();
        assertThat(lanes.next()).isEmpty();
        lanes.add(write("h2", State.RUNNING, State.SUSPECT, 1));
        // Before, nothing was sent while MAX_IN_FLIGHT batches were in flight, SUSPECT included.
        assertThat(lanes.ready()).isTrue();
        assertThat(hosts(lanes.next())).containsExactly("h2:SUSPECT");
        assertThat(lanes.next()).isEmpty();
        for (int i = 0; i <= WriteLanes.MAX_IN_FLIGHT; i++) {
            lanes.done();
        }
        assertThat(hosts(lanes.next())).containsExactly("h1:DEAD");
        assertThat(lanes.backlog()).as("one batch in flight, nothing waiting").isEqualTo(1);
    }

    @Test
    void urgentBatchesGoFirstAndStopAtTheirOwnBound() {
        for (int h = 0; h < 10; h++) {
            lanes.add(write("d" + h, State.SUSPECT, State.DEAD, 1));
        }
        int suspects = (WriteLanes.MAX_IN_FLIGHT_URGENT + 2) * WriteLanes.MAX_BATCH_OPS / 2;
        for (int h = 0; h < suspects; h++) {
            lanes.add(write("s" + h, State.RUNNING, State.SUSPECT, 1));
        }
        List<String> sent = new ArrayList<>();
        for (int b = 0; b < WriteLanes.MAX_IN_FLIGHT_URGENT; b++) {
            List<PendingWrite> batch = lanes.next();
            assertThat(batch).isNotEmpty().allMatch(PendingWrite::suspect);
            assertThat(batch.stream().mapToInt(PendingWrite::ops).sum()).isLessThan(WriteLanes.MAX_BATCH_OPS);
            sent.addAll(hosts(batch));
        }
        assertThat(sent.get(0)).isEqualTo("s0:SUSPECT");
        assertThat(lanes.ready()).as("MAX_IN_FLIGHT_URGENT batches in flight").isFalse();
        for (int i = 0; i < WriteLanes.MAX_IN_FLIGHT_URGENT; i++) {
            lanes.done();
        }
        while (sent.size() < suspects) {
            List<PendingWrite> batch = lanes.next();
            assertThat(batch).isNotEmpty().allMatch(PendingWrite::suspect);
            sent.addAll(hosts(batch));
            lanes.done();
        }
        assertThat(sent).doesNotHaveDuplicates().hasSize(suspects).endsWith("s" + (suspects - 1) + ":SUSPECT");
        assertThat(hosts(lanes.next())).startsWith("d0:DEAD").hasSize(10);
    }

    @Test
    void aSuspectForAMemberWithAWriteWaitingStaysBehindItAndABatchHoldsOneEpoch() {
        lanes.add(write("h1", State.SUSPECT, State.DEAD, 1));
        lanes.add(write("h1", State.DEAD, State.SUSPECT, 1));
        lanes.add(write("h2", State.RUNNING, State.SUSPECT, 1));
        lanes.add(write("h3", State.RUNNING, State.SUSPECT, 2));
        assertThat(hosts(lanes.next())).containsExactly("h2:SUSPECT");
        assertThat(hosts(lanes.next())).containsExactly("h3:SUSPECT");
        lanes.done(); // both SUSPECT batches acknowledged: every slot is free
        lanes.done();
        assertThat(hosts(lanes.next())).containsExactly("h1:DEAD", "h1:SUSPECT");
        // h1's writes have left the ordinary lane: its next SUSPECT is urgent again
        lanes.add(write("h1", State.RUNNING, State.SUSPECT, 1));
        lanes.add(write("h4", State.SUSPECT, State.DEAD, 1));
        assertThat(hosts(lanes.next())).containsExactly("h1:SUSPECT");
        assertThat(lanes.drainAll()).hasSize(1);
        assertThat(lanes.ready()).isFalse();
    }

    @Test
    void aSuspectSentApartFromItsHistoryEntryIsUrgentAndTheEntryKeepsItsPlaceInTheMembersOrder() {
        Verdict suspect = verdict("h1", State.SUSPECT, 1);
        Verdict running = verdict("h1", State.RUNNING, 1);
        PendingWrite alone = new PendingWrite(suspect, running, null, 1, Json.write(suspect),
                new CompletableFuture<>(), PendingWrite.Part.VERDICT);
        PendingWrite entry = new PendingWrite(suspect, running, null, 1, Json.write(suspect),
                new CompletableFuture<>(), PendingWrite.Part.HISTORY);
        assertThat(alone.ops()).isEqualTo(1);
        assertThat(alone.writesHistory()).isFalse();
        assertThat(entry.ops()).isEqualTo(1);
        assertThat(entry.writesVerdict()).isFalse();
        assertThat(entry.suspect()).as("a history entry is never urgent").isFalse();
        assertThat(write("h1", State.RUNNING, State.SUSPECT, 1).ops()).as("a whole SUSPECT").isEqualTo(2);

        lanes.add(write("h0", State.SUSPECT, State.DEAD, 1));
        lanes.add(alone);
        lanes.add(entry);
        lanes.add(write("h1", State.SUSPECT, State.DEAD, 1));
        lanes.add(write("h1", State.DEAD, State.SUSPECT, 1)); // behind its own waiting writes: ordinary
        List<PendingWrite> urgent = lanes.next();
        assertThat(urgent).containsExactly(alone);
        List<PendingWrite> ordinary = lanes.next();
        assertThat(hosts(ordinary)).containsExactly("h0:DEAD", "h1:SUSPECT", "h1:DEAD", "h1:SUSPECT");
        assertThat(ordinary.get(1)).isSameAs(entry);
        assertThat(ordinary.stream().mapToInt(PendingWrite::ops).sum()).isEqualTo(2 + 1 + 2 + 2);
    }
}
