package io.hostwatch.service.detector;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gathers a member's ping and storage evidence for a {@link Effect.Probe}, each vouched for by the
 * detector's {@link SelfCheck}. Never blocks the caller; the future never completes exceptionally.
 */
final class EvidenceProbe {
    /** Ping and storage evidence of one probe. */
    record Result(Evidence.Ping ping, Evidence.Storage storage) {
    }

    private final PingProbe ping;
    private final StorageObserver storage;
    private final SelfCheck selfCheck;
    private final Clock clock;

    EvidenceProbe(PingProbe ping, StorageObserver storage, SelfCheck selfCheck, Clock clock) {
        this.ping = ping;
        this.storage = storage;
        this.selfCheck = selfCheck;
        this.clock = clock;
    }

    CompletableFuture<Result> probe(Effect.Probe p) {
        CompletableFuture<Evidence.Ping> pinged = p.knownPing() != null ? CompletableFuture.completedFuture(
                p.knownPing()) : p.address() == null
                ? CompletableFuture.completedFuture(new Evidence.Ping(SignalStatus.Ping.UNKNOWN, clock.instant(),
                        null, null, "no management address known"))
                : ping.probe(p.address());
        if (p.pingOnly()) {
            return pinged.thenApply(a -> new Result(a, null)); // vouched when it is used
        }
        CompletableFuture<Evidence.Storage> stored = p.freshAfterMillis() == Effect.UNKNOWN
                ? storage.judge(p.id())
                : storage.judge(p.id(), TimeUnit.MILLISECONDS.toNanos(p.freshAfterMillis()));
        return pinged.thenCombine(stored, (a, b) -> new Result(selfCheck.vouch(a), selfCheck.vouch(b)));
    }

    /** The slot's current judgement (vouched), null while undecided. */
    Evidence.Storage current(MemberId id) {
        return selfCheck.vouch(storage.current(id));
    }

    String pingMethod() {
        return ping.usesIcmp() ? "icmp+tcp" : "tcp";
    }

    SelfCheck.Status selfCheck() {
        return selfCheck.status();
    }

    /** Tells {@code stalled} about every slot whose counter has not advanced for {@code after} while watched. */
    void onStall(java.time.Duration after, java.util.function.Consumer<MemberId> stalled) {
        storage.onStall(after, stalled);
    }

    void track(MemberId id) {
        storage.track(id);
    }

    void untrack(MemberId id) {
        storage.untrack(id);
    }
}
