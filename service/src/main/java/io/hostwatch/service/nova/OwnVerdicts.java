package io.hostwatch.service.nova;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The verdicts this service instance's own detector leader durably published, member by member:
 * the only verdicts the Nova notifier and the fencer act on. What ZooKeeper holds is not enough:
 * in a misconfigured ensemble (an open ACL) anyone could have written it. A verdict counts only
 * for the epoch it was published in, so a leader never acts on what an earlier term (of this
 * instance or another) wrote until it has judged and published the member itself. Safe from any
 * thread.
 */
public final class OwnVerdicts {
    private final Map<MemberId, Verdict> latest = new ConcurrentHashMap<>();
    private final List<Consumer<MemberId>> listeners = new CopyOnWriteArrayList<>();

    /** This instance's leader published {@code v} (durably). Listeners are told; they must not block. */
    public void published(Verdict v) {
        latest.put(v.id(), v);
        listeners.forEach(l -> l.accept(v.id()));
    }

    /** The member's latest verdict this instance published, if it was published under {@code epoch}. */
    public Optional<Verdict> verdict(MemberId id, long epoch) {
        Verdict v = latest.get(id);
        return v != null && v.epoch() == epoch ? Optional.of(v) : Optional.empty();
    }

    /** Every member's latest own verdict published under {@code epoch}. */
    public Map<MemberId, Verdict> verdicts(long epoch) {
        return latest.entrySet().stream().filter(e -> e.getValue().epoch() == epoch)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** Asks to be told the member of every own publication (called on the publisher's thread: must not block). */
    public void onPublished(Consumer<MemberId> listener) {
        listeners.add(listener);
    }

    /** The member was decommissioned. */
    public void forget(MemberId id) {
        latest.remove(id);
    }
}
