package io.hostwatch.service.detector;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.core.GroupStateMachine;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a synthetic group through losses (and their evidence, settle windows and returns) at
 * start, on a background thread, so that the JIT has compiled the loss path before the first real
 * burst of losses: in a fresh JVM the code a thousand simultaneous losses run has never run, and
 * interpreted it is ten to forty times slower, right when every millisecond counts. Pure: a
 * private {@link GroupStateMachine} on its own clock, verdicts serialised and read back but written
 * nowhere; bounded in count.
 */
final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {
    }

    /** Starts the warm-up on a daemon thread of low priority. */
    static void inBackground(DetectorSettings settings, int members, int rounds) {
        Thread t = new Thread(() -> {
            try {
                long started = System.nanoTime();
                int verdicts = run(settings, members, rounds);
                LOG.debug("loss path warmed up: {} verdicts in {} ms", verdicts, (System.nanoTime() - started) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.debug("warm-up stopped: {}", e.toString()); // only a warm-up: nothing depends on it
            }
        }, "hostwatch-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Runs {@code rounds} rounds in which a tenth of {@code members} are lost and judged; returns the verdicts made. */
    static int run(DetectorSettings settings, int members, int rounds) {
        ManualTime time = new ManualTime();
        GroupStateMachine m = new GroupStateMachine("warmup", 1, settings.rules(), time, time, time.millis);
        Evidence.Storage fresh = new Evidence.Storage(SignalStatus.Storage.FRESH, time.instant(), 1L, Set.of(), 100L,
                "inc", "counter advancing");
        List<MemberRegistration> regs = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            regs.add(new MemberRegistration("warmup", "w" + i, "192.0.2." + (i % 250 + 1), "inc-" + i,
                    Instant.EPOCH, false, 1000, "warmup"));
            settle(m, m.joined(regs.get(i), fresh));
        }
        int verdicts = 0;
        for (int round = 0; round < rounds; round++) {
            int from = (round * members / 10) % members;
            List<MemberRegistration> lost = regs.subList(from, Math.min(members, from + Math.max(1, members / 10)));
            for (MemberRegistration r : lost) {
                m.storageStalled(r.id());
                verdicts += settle(m, m.prePinged(r.id(), ping(time, SignalStatus.Ping.FAIL)));
            }
            time.advance(500);
            for (MemberRegistration r : lost) {
                verdicts += settle(m, m.left(r));
            }
            Evidence.Storage stale = new Evidence.Storage(SignalStatus.Storage.STALE, time.instant(), 1L, Set.of(),
                    5_000L, "inc", "counter has not advanced");
            for (MemberRegistration r : lost) {
                verdicts += settle(m, m.evidence(r.id(), ping(time, SignalStatus.Ping.FAIL), stale));
            }
            time.advance(settings.settle().toMillis() + 1);
            verdicts += settle(m, m.wake());
            for (MemberRegistration r : lost) {
                verdicts += settle(m, m.joined(r, fresh));
            }
            time.advance(settings.flapWindow().toMillis() + 1); // no flapping from one round to the next
        }
        return verdicts;
    }

    /** Serialises and reads back every published verdict (as the writer and the view do) and marks it durable. */
    private static int settle(GroupStateMachine m, List<Effect> effects) {
        int n = 0;
        for (Effect e : effects) {
            if (e instanceof Effect.Publish p) {
                m.published(Json.read(Json.write(p.verdict()), Verdict.class)); // the copy read back is as good
                n++;
            }
        }
        return n;
    }

    private static Evidence.Ping ping(ManualTime time, SignalStatus.Ping status) {
        return new Evidence.Ping(status, time.instant(), "tcp:22", null, "no answer within 1000 ms");
    }

    /** Monotonic milliseconds and a wall clock that move together, by hand. */
    private static final class ManualTime extends Clock implements LongSupplier {
        private long millis = 1_000_000;

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long getAsLong() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.EPOCH.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
