package io.hostwatch.client.watch;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a {@link VerdictSubscriber} knows at one moment: an immutable copy.
 *
 * @param verdicts the published verdict of every member, sorted by group and host
 * @param members the members whose heartbeat znode is present, with their registration
 */
public record VerdictSnapshot(SortedMap<MemberId, Verdict> verdicts,
                              SortedMap<MemberId, MemberRegistration> members) {
    public VerdictSnapshot {
        verdicts = Collections.unmodifiableSortedMap(new TreeMap<>(verdicts));
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
    }
}
