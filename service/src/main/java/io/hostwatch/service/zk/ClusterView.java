package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.Names;
import io.hostwatch.schema.Verdict;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.core.RegistrationPolicy;
import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance's view of the hostwatch tree: member registrations (the heartbeats), the
 * published verdicts, maintenance marks and brakes, kept by one {@link CuratorCache} per subtree
 * (history and Nova records are not cached: they are read when asked for). REST reads are served
 * from here on leader and followers alike.
 *
 * <p>Registrations are validated on every read ({@link RegistrationPolicy}): a host writes its own,
 * and a misconfigured ensemble may let anyone write any. A new registration that fails is ignored
 * as if absent (no member, no verdict, nothing counted for the brake); a rewrite of an accepted one
 * that fails is ignored and the accepted one stays; a member beyond the group's bound waits until a
 * place frees up. Each refusal is logged once with its reason and listed by {@link #refused()}.
 *
 * <p>During a network partition the cache gets no events: it shows the last state it saw, and
 * on reconnection it re-reads the tree and reports the differences.
 */
public final class ClusterView implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

    /** Membership events. Called on Curator's event thread: must not block. */
    public interface Listener {
        void joined(MemberId id, MemberRegistration registration);

        void left(MemberId id, MemberRegistration last);

        /** An operator set, changed or removed a member's maintenance. */
        default void maintenanceChanged(MemberId id) {
        }

        /** A group's brake record changed (engaged or released). */
        default void brakeChanged(String group) {
        }

        /** A member's verdict was deleted (the member was decommissioned). */
        default void verdictRemoved(MemberId id) {
        }
    }

    private static final List<String> CACHED = List.of(ZkPaths.MEMBERS, ZkPaths.MAINTENANCE, ZkPaths.BRAKES);

    private final List<CuratorCache> caches;
    private final VerdictMirror verdictMirror;
    private final Map<MemberId, MemberRegistration> registrations = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<MemberId, Verdict> verdicts = new ConcurrentSkipListMap<>();
    private final Map<MemberId, Maintenance> maintenance = new ConcurrentHashMap<>();
    private final Map<String, BrakeRecord> brakes = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final List<VerdictListener> verdictListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch initialized = new CountDownLatch(CACHED.size() + 1);
    private final RegistrationPolicy policy;
    private final Map<MemberId, String> refused = new ConcurrentHashMap<>();
    private final Map<MemberId, MemberRegistration> waiting = new TreeMap<>(); // group full; guarded by this
    private final Map<String, Integer> accepted = new java.util.HashMap<>(); // per group; guarded by this
    private final Map<MemberId, MemberRegistration> lastAccepted = new ConcurrentHashMap<>();

    /** A view with {@link RegistrationPolicy#DEFAULT}. */
    public ClusterView(CuratorFramework client) {
        this(client, RegistrationPolicy.DEFAULT);
    }

    public ClusterView(CuratorFramework client, RegistrationPolicy policy) {
        this.policy = policy;
        this.caches = CACHED.stream().map(path -> {
            // Creates and changes come from the storage, which compares zxids (see ZxidStorage).
            CuratorCache cache = CuratorCache.builder(client, path).withStorage(new ZxidStorage(this::changed))
                    .build();
            cache.listenable().addListener(CuratorCacheListener.builder()
                    .forDeletes(this::deleted)
                    .forInitialized(initialized::countDown)
                    .build());
            return cache;
        }).toList();
        this.verdictMirror = new VerdictMirror(client, ZkPaths.VERDICTS, new ZxidStorage(this::changed),
                this::deleted, initialized::countDown);
    }

    /** What the detector's verdict writer tells the view, so that the view need not read its writes back. */
    public VerdictWriter.Echo verdictEcho() {
        return verdictMirror;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * A published verdict was created or changed. Called on Curator's event thread, also for the
     * verdicts found by the first read of the tree: must not block (hand the work to your own thread).
     */
    public interface VerdictListener {
        /** {@code old} is null for a verdict this view had not seen. */
        void changed(MemberId id, Verdict old, Verdict now);
    }

    public void addVerdictListener(VerdictListener listener) {
        verdictListeners.add(listener);
    }

    public void start() {
        caches.forEach(CuratorCache::start);
        verdictMirror.start();
    }

    /** Waits for the first full read of the tree. */
    public boolean awaitInitialized(long millis) {
        try {
            return initialized.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean initialized() {
        return initialized.getCount() == 0;
    }

    /**
     * The last registration this view accepted for a member, present or gone (a member whose
     * heartbeat went away is judged at its last accepted address and incarnation, not at what a
     * verdict record says).
     */
    public Optional<MemberRegistration> lastRegistration(MemberId id) {
        return Optional.ofNullable(lastAccepted.get(id));
    }

    /** Registrations refused (or rewrites of accepted ones ignored), with the reason, by member. */
    public SortedMap<MemberId, String> refused() {
        return new TreeMap<>(refused);
    }

    public Optional<MemberRegistration> registration(MemberId id) {
        return Optional.ofNullable(registrations.get(id));
    }

    public Map<MemberId, MemberRegistration> registrations() {
        return Map.copyOf(registrations);
    }

    public Optional<Verdict> verdict(MemberId id) {
        return Optional.ofNullable(verdicts.get(id));
    }

    public Map<MemberId, Verdict> verdicts() {
        return Map.copyOf(verdicts);
    }

    public Optional<Maintenance> maintenance(MemberId id) {
        return Optional.ofNullable(maintenance.get(id));
    }

    public Optional<BrakeRecord> brake(String group) {
        return Optional.ofNullable(brakes.get(group));
    }

    /** Every maintenance mark, in force or expired. */
    public Map<MemberId, Maintenance> maintenanceMarks() {
        return Map.copyOf(maintenance);
    }

    /** Members known: registered, or with a published verdict. */
    public int memberCount() {
        int n = verdicts.size();
        for (MemberId id : registrations.keySet()) {
            if (!verdicts.containsKey(id)) {
                n++;
            }
        }
        return n;
    }

    public Map<String, BrakeRecord> brakes() {
        return Map.copyOf(brakes);
    }

    /** Verdicts of one group, sorted by host. */
    public SortedMap<MemberId, Verdict> group(String group) {
        SortedMap<MemberId, Verdict> out = new TreeMap<>();
        for (Map.Entry<MemberId, Verdict> e : verdicts.tailMap(new MemberId(group, "0")).entrySet()) {
            if (!e.getKey().group().equals(group)) {
                break;
            }
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Group names with their member count. */
    public SortedMap<String, Integer> groups() {
        SortedMap<String, Integer> out = new TreeMap<>();
        for (MemberId id : verdicts.keySet()) {
            out.merge(id.group(), 1, Integer::sum);
        }
        for (MemberId id : registrations.keySet()) {
            out.putIfAbsent(id.group(), 0);
        }
        return out;
    }

    private void changed(ChildData node) {
        String path = node.getPath();
        try {
            Optional<MemberId> member = ZkPaths.parseHeartbeat(path);
            if (member.isPresent()) {
                MemberRegistration reg = Json.read(node.getData(), MemberRegistration.class);
                if (!member.get().equals(reg.id())) {
                    LOG.warn("registration at {} names {}/{}: ignored", path, Printable.escapeReversibly(reg.group()),
                            Printable.escapeReversibly(reg.host()));
                    return;
                }
                if (admit(member.get(), reg)) {
                    listeners.forEach(l -> notify(() -> l.joined(member.get(), reg)));
                }
                return;
            }
            Optional<MemberId> verdict = ZkPaths.parse(ZkPaths.VERDICTS, path);
            if (verdict.isPresent()) {
                Verdict now = node instanceof VerdictMirror.Decoded own ? own.verdict()
                        : Json.read(node.getData(), Verdict.class);
                Verdict old = verdicts.put(verdict.get(), now);
                verdictListeners.forEach(l -> notify(() -> l.changed(verdict.get(), old, now)));
                return;
            }
            Optional<MemberId> inMaintenance = ZkPaths.parse(ZkPaths.MAINTENANCE, path);
            if (inMaintenance.isPresent()) {
                maintenance.put(inMaintenance.get(), Json.read(node.getData(), Maintenance.class));
                listeners.forEach(l -> notify(() -> l.maintenanceChanged(inMaintenance.get())));
                return;
            }
            brakeGroup(path).ifPresent(group -> {
                brakes.put(group, Json.read(node.getData(), BrakeRecord.class));
                listeners.forEach(l -> notify(() -> l.brakeChanged(group)));
            });
        } catch (HostwatchException e) {
            LOG.warn("ignoring unreadable record at {}: {}", path, e.getMessage());
        }
    }

    private void deleted(ChildData node) {
        String path = node.getPath();
        Optional<MemberId> member = ZkPaths.parseHeartbeat(path);
        if (member.isPresent()) {
            MemberRegistration last = removed(member.get());
            if (last != null) {
                listeners.forEach(l -> notify(() -> l.left(member.get(), last)));
                admitWaiting(member.get().group());
            }
            return;
        }
        ZkPaths.parse(ZkPaths.VERDICTS, path).ifPresent(id -> {
            if (!registrations.containsKey(id)) {
                lastAccepted.remove(id); // decommissioned
            }
            if (verdicts.remove(id) != null) {
                listeners.forEach(l -> notify(() -> l.verdictRemoved(id)));
            }
        });
        ZkPaths.parse(ZkPaths.MAINTENANCE, path).ifPresent(id -> {
            maintenance.remove(id);
            listeners.forEach(l -> notify(() -> l.maintenanceChanged(id)));
        });
        brakeGroup(path).ifPresent(group -> {
            brakes.remove(group);
            listeners.forEach(l -> notify(() -> l.brakeChanged(group)));
        });
    }

    /** Validates a created or rewritten registration; true when it is accepted (then stored). */
    private synchronized boolean admit(MemberId id, MemberRegistration reg) {
        MemberRegistration before = registrations.get(id);
        int inGroup = accepted.getOrDefault(id.group(), 0) - (before == null ? 0 : 1);
        Optional<String> problem = policy.problem(reg, inGroup);
        if (problem.isEmpty() && before != null && !before.withLeaving(reg.leaving()).equals(reg)) {
            // An agent rewrites its registration only to say it is leaving; anything else is someone else's.
            problem = Optional.of("a registration changes nothing but 'leaving' while its node exists (address "
                    + reg.address() + ", incarnation " + reg.incarnation() + ")");
        }
        if (problem.isEmpty()) {
            waiting.remove(id);
            if (refused.remove(id) != null) {
                LOG.info("registration of {} accepted", id);
            }
            if (registrations.put(id, reg) == null) {
                accepted.merge(id.group(), 1, Integer::sum);
            }
            lastAccepted.put(id, reg);
            return true;
        }
        boolean full = policy.problem(reg, 0).isEmpty();
        String why = (before == null ? "registration refused: " : "rewrite of the accepted registration ignored: ")
                + problem.get() + (full ? " (waits for a place)" : "");
        if (full && before == null) {
            waiting.put(id, reg);
        }
        if (!why.equals(refused.put(id, why))) {
            LOG.warn("{}: {}", id, Printable.escapeReversibly(why));
        }
        return false;
    }

    /** The accepted registration that went away, or null when there was none (refused or never seen). */
    private synchronized MemberRegistration removed(MemberId id) {
        refused.remove(id);
        waiting.remove(id);
        MemberRegistration last = registrations.remove(id);
        if (last != null) {
            accepted.computeIfPresent(id.group(), (g, n) -> n > 1 ? n - 1 : null);
        }
        return last;
    }

    /** A place freed up in {@code group}: the first member waiting for one is admitted. */
    private void admitWaiting(String group) {
        Map.Entry<MemberId, MemberRegistration> next;
        synchronized (this) {
            next = waiting.entrySet().stream().filter(e -> e.getKey().group().equals(group)).findFirst()
                    .orElse(null);
            if (next == null || !admit(next.getKey(), next.getValue())) {
                return;
            }
        }
        Map.Entry<MemberId, MemberRegistration> admitted = next;
        listeners.forEach(l -> notify(() -> l.joined(admitted.getKey(), admitted.getValue())));
    }

    private static Optional<String> brakeGroup(String path) {
        if (!path.startsWith(ZkPaths.BRAKES + "/")) {
            return Optional.empty();
        }
        String group = path.substring(ZkPaths.BRAKES.length() + 1);
        return Names.isValid(group) ? Optional.of(group) : Optional.empty();
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.error("membership listener failed", e);
        }
    }

    @Override
    public void close() {
        caches.forEach(CuratorCache::close);
        verdictMirror.close();
    }
}
