package io.hostwatch.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validated tokens, each until its Keystone expiry but never longer than {@code maxAge} after it
 * was validated, so a revoked token is refused within {@code maxAge}. Keys are SHA-256 digests: the
 * tokens themselves are not kept. Bounded: when full, expired entries are dropped, and if none
 * was, the new token is simply not cached.
 */
public final class TokenCache {
    private record Entry(Caller caller, Instant until) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration maxAge;
    private final int maxEntries;
    private final Clock clock;

    public TokenCache(Duration maxAge, int maxEntries, Clock clock) {
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public Optional<Caller> get(String token) {
        String key = digest(token);
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.until())) {
            entries.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.caller());
    }

    /** Caches a token Keystone has just validated; {@code expiresAt} may be null (Keystone did not say). */
    public void put(String token, Caller caller, Instant expiresAt) {
        if (maxAge.isZero() || maxEntries <= 0) {
            return;
        }
        Instant now = clock.instant();
        Instant until = now.plus(maxAge);
        if (expiresAt != null && expiresAt.isBefore(until)) {
            until = expiresAt;
        }
        if (!until.isAfter(now)) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !now.isBefore(e.until()));
            if (entries.size() >= maxEntries) {
                return;
            }
        }
        entries.put(digest(token), new Entry(caller, until));
    }

    public int size() {
        return entries.size();
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
