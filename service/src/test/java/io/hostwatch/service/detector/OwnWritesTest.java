package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.Json;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OwnWritesTest {
    private static Verdict verdict(State state, long epoch, Instant at) {
        return new Verdict("compute", "cmp1", "192.0.2.1", state, state + " test", at, false, null, "inc", epoch,
                null, at);
    }

    private final Instant t = Instant.parse("2026-11-30T12:00:00.123456789Z");
    private final Verdict suspect = verdict(State.SUSPECT, 3, t);
    private final Verdict dead = verdict(State.DEAD, 3, t.plusMillis(5));
    private final OwnWrites own = new OwnWrites();

    OwnWritesTest() {
        own.sent(suspect);
        own.sent(dead);
    }

    @Test
    void anOwnVerdictSeenBackIsOwnAndEveryOlderOneIsForgotten() {
        assertThat(own.own(dead)).isTrue();
        // the view may skip a write, never go back: the SUSPECT before it is forgotten too
        assertThat(own.own(suspect)).isFalse();
    }

    @Test
    void aDecodedCopyCountsAsOwnAndAForeignVerdictDoesNot() {
        Verdict decoded = Json.read(Json.write(suspect), Verdict.class);
        assertThat(decoded).isNotSameAs(suspect);
        assertThat(own.own(decoded)).isTrue();
        assertThat(own.own(verdict(State.RUNNING, 99, t))).as("written by someone else").isFalse();
        assertThat(own.own(dead)).as("still waiting to be seen").isTrue();
    }
}
