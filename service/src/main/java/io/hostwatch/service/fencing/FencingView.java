package io.hostwatch.service.fencing;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.ZkPaths;
import java.io.Closeable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance's cached view of the {@link FencingAction} records, kept by a {@link CuratorCache}
 * on {@link ZkPaths#FENCING}: the detector reads a member's power evidence from here, and is told
 * of every change ({@link #addListener}) so that a confirmed power-off is published at once.
 * During a network partition the cache gets no events and shows what it last saw. The fencer
 * itself decides from ZooKeeper, not from this cache.
 */
public final class FencingView implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(FencingView.class);

    private final CuratorCache cache;
    private final Map<MemberId, FencingAction> actions = new ConcurrentHashMap<>();
    private final java.util.List<java.util.function.Consumer<MemberId>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public FencingView(CuratorFramework client) {
        this.cache = CuratorCache.build(client, ZkPaths.FENCING);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> changed(node))
                .forDeletes(node -> ZkPaths.parse(ZkPaths.FENCING, node.getPath()).ifPresent(id -> {
                    actions.remove(id);
                    notifyChanged(id);
                }))
                .build());
    }

    public void start() {
        cache.start();
    }

    /** Every record seen, a snapshot. */
    public Map<MemberId, FencingAction> all() {
        return Map.copyOf(actions);
    }

    public Optional<FencingAction> action(MemberId id) {
        return Optional.ofNullable(actions.get(id));
    }

    /** Called with the member whose record changed; must not block (it runs on the cache's thread). */
    public void addListener(java.util.function.Consumer<MemberId> listener) {
        listeners.add(listener);
    }

    private void notifyChanged(MemberId id) {
        for (java.util.function.Consumer<MemberId> l : listeners) {
            try {
                l.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("fencing listener failed for {}", id, e);
            }
        }
    }

    private void changed(ChildData node) {
        Optional<MemberId> id = ZkPaths.parse(ZkPaths.FENCING, node.getPath());
        if (id.isEmpty()) {
            return;
        }
        try {
            actions.put(id.get(), Json.read(node.getData(), FencingAction.class));
            notifyChanged(id.get());
        } catch (HostwatchException e) {
            LOG.warn("ignoring unreadable fencing record at {}: {}", node.getPath(), e.getMessage());
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
