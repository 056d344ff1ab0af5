package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TokenCacheTest {
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    private static final Caller READER = new Caller(Caller.KEYSTONE, "u", "uid", "p", "pid", Set.of(Roles.READER));

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void aTokenIsKeptForTheMaximumAgeAtMost() {
        Clock[] clock = {at(T0)};
        TokenCache cache = new TokenCache(Duration.ofMinutes(5), 10, new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return clock[0].instant(); }
        });
        cache.put("tok", READER, T0.plus(Duration.ofHours(1)));
        clock[0] = at(T0.plus(Duration.ofMinutes(4)));
        assertThat(cache.get("tok")).contains(READER);
        clock[0] = at(T0.plus(Duration.ofMinutes(5)));
        assertThat(cache.get("tok")).isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aTokenIsNeverKeptPastItsExpiry() {
        Clock[] clock = {at(T0)};
        TokenCache cache = new TokenCache(Duration.ofMinutes(5), 10, new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return clock[0].instant(); }
        });
        cache.put("tok", READER, T0.plusSeconds(30));
        clock[0] = at(T0.plusSeconds(29));
        assertThat(cache.get("tok")).isPresent();
        clock[0] = at(T0.plusSeconds(30));
        assertThat(cache.get("tok")).isEmpty();
        cache.put("gone", READER, T0.minusSeconds(1));
        assertThat(cache.get("gone")).isEmpty();
    }

    @Test
    void zeroAgeCachesNothingAndAFullCacheTakesNoMore() {
        TokenCache off = new TokenCache(Duration.ZERO, 10, at(T0));
        off.put("tok", READER, null);
        assertThat(off.get("tok")).isEmpty();
        TokenCache small = new TokenCache(Duration.ofMinutes(1), 2, at(T0));
        small.put("a", READER, null);
        small.put("b", READER, null);
        small.put("c", READER, null);
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.get("c")).isEmpty();
        assertThat(small.get("a")).isPresent();
    }
}
