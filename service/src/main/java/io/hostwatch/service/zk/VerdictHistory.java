package io.hostwatch.service.zk;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the members' verdict history, {@link ZkPaths#history}: one
 * PERSISTENT_SEQUENTIAL entry per transition, written by {@link VerdictStore} in the verdict's own
 * multi-op. Reads go straight to ZooKeeper (not through a cache): the history is only asked for
 * when someone wants to know what happened, and it can be many small znodes.
 */
public final class VerdictHistory {
    private static final Logger LOG = LoggerFactory.getLogger(VerdictHistory.class);
    private static final String ENTRY = "t-";

    private final CuratorFramework client;
    private final Duration timeout;

    public VerdictHistory(CuratorFramework client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * True when {@code next} is a transition from {@code previous}: the first verdict of a member,
     * or one whose state, actionable flag or holds differ. Reason and evidence alone do not count.
     */
    public static boolean isTransition(Verdict previous, Verdict next) {
        return previous == null || previous.state() != next.state() || previous.actionable() != next.actionable()
                || !holds(previous).equals(holds(next));
    }

    private static List<String> holds(Verdict v) {
        return v.holds() == null ? List.of() : v.holds();
    }

    /** The history entry names among {@code children}, oldest (lowest sequence number) first. */
    public static List<String> oldestFirst(Collection<String> children) {
        return children.stream().filter(VerdictHistory::isEntry)
                .sorted(Comparator.comparingLong(VerdictHistory::sequence)).toList();
    }

    private static boolean isEntry(String name) {
        if (!name.startsWith(ENTRY) || name.length() != ENTRY.length() + 10) {
            return false;
        }
        return name.substring(ENTRY.length()).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static long sequence(String name) {
        return Long.parseLong(name.substring(ENTRY.length()));
    }

    /** True when the member has any history entry. */
    public boolean exists(MemberId id) {
        return !entries(id).isEmpty();
    }

    /**
     * The member's last {@code limit} transitions, newest first; empty when it has none. An entry
     * trimmed while it is being read is left out; an entry identical to its neighbour (a multi-op
     * retried after a connection loss) is shown once.
     */
    public List<Verdict> newestFirst(MemberId id, int limit) {
        List<String> names = entries(id);
        List<String> wanted = new ArrayList<>(names.subList(Math.max(0, names.size() - limit), names.size()));
        Collections.reverse(wanted);
        String dir = ZkPaths.history(id);
        List<CompletableFuture<CuratorEvent>> reads = new ArrayList<>(wanted.size());
        try {
            for (String name : wanted) {
                CompletableFuture<CuratorEvent> read = new CompletableFuture<>();
                client.getData().inBackground((c, event) -> read.complete(event)).forPath(dir + "/" + name);
                reads.add(read);
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostwatchException("interrupted while reading the history of " + id, e);
        } catch (TimeoutException e) {
            throw new HostwatchException("ZooKeeper did not answer within " + timeout.toMillis()
                    + " ms while reading the history of " + id);
        } catch (Exception e) {
            throw VerdictStore.translate("read the history of " + id, e instanceof ExecutionException
                    && e.getCause() instanceof Exception cause ? cause : e);
        }
        List<Verdict> out = new ArrayList<>(wanted.size());
        for (CompletableFuture<CuratorEvent> read : reads) {
            CuratorEvent event = read.join();
            if (event.getResultCode() == KeeperException.Code.NONODE.intValue()) {
                continue; // trimmed meanwhile
            }
            if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
                throw new HostwatchException("cannot read " + event.getPath() + ": "
                        + KeeperException.Code.get(event.getResultCode()));
            }
            try {
                Verdict v = Json.read(event.getData(), Verdict.class);
                if (out.isEmpty() || !Objects.equals(out.get(out.size() - 1), v)) {
                    out.add(v);
                }
            } catch (HostwatchException e) {
                LOG.warn("ignoring unreadable history entry {}: {}", event.getPath(), e.getMessage());
            }
        }
        return out;
    }

    private List<String> entries(MemberId id) {
        try {
            return oldestFirst(client.getChildren().forPath(ZkPaths.history(id)));
        } catch (KeeperException.NoNodeException none) {
            return List.of();
        } catch (Exception e) {
            throw VerdictStore.translate("list the history of " + id, e);
        }
    }
}
