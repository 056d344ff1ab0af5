package io.hostwatch.client.watch;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.state.ConnectionState;

/** Records every callback, and the threads they came on. */
final class RecordingListener implements VerdictListener {
    /** One verdict change as delivered. */
    record Change(Verdict old, Verdict now) {
    }

    final List<VerdictSnapshot> initialized = new CopyOnWriteArrayList<>();
    final List<Change> changes = new CopyOnWriteArrayList<>();
    final List<Verdict> removed = new CopyOnWriteArrayList<>();
    final List<String> membership = new CopyOnWriteArrayList<>();
    final List<ConnectionState> connection = new CopyOnWriteArrayList<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final Map<MemberId, Verdict> last = new ConcurrentHashMap<>();

    @Override
    public void initialized(VerdictSnapshot snapshot) {
        threads.add(Thread.currentThread().getName());
        snapshot.verdicts().forEach(last::put);
        initialized.add(snapshot);
    }

    @Override
    public void verdictChanged(Verdict old, Verdict now) {
        threads.add(Thread.currentThread().getName());
        changes.add(new Change(old, now));
        last.put(now.id(), now);
    }

    @Override
    public void verdictRemoved(Verdict lastVerdict) {
        threads.add(Thread.currentThread().getName());
        removed.add(lastVerdict);
        last.remove(lastVerdict.id());
    }

    @Override
    public void memberJoined(MemberRegistration registration) {
        threads.add(Thread.currentThread().getName());
        membership.add("joined " + registration.host() + " " + registration.incarnation());
    }

    @Override
    public void memberLeft(MemberRegistration lastRegistration) {
        threads.add(Thread.currentThread().getName());
        membership.add("left " + lastRegistration.host() + " " + lastRegistration.incarnation());
    }

    @Override
    public void connectionChanged(ConnectionState state) {
        threads.add(Thread.currentThread().getName());
        connection.add(state);
    }

    /** The reasons of the verdicts delivered for {@code id}, in delivery order. */
    List<String> reasons(MemberId id) {
        List<String> out = new ArrayList<>();
        for (Change c : changes) {
            if (c.now().id().equals(id)) {
                out.add(c.now().reason());
            }
        }
        return out;
    }
}
