package io.hostwatch.service.nova;

import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.NovaAction;
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
 * Every instance's cached view of the {@link NovaAction} records, kept by a {@link CuratorCache}
 * on {@link ZkPaths#NOVA}: the REST API reads the Nova state of a member from here, on leader and
 * followers alike. During a network partition the cache gets no events and shows what it last saw.
 * The notifier itself decides from ZooKeeper, not from this cache.
 */
public final class NovaActionView implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NovaActionView.class);

    private final CuratorCache cache;
    private final Map<MemberId, NovaAction> actions = new ConcurrentHashMap<>();

    public NovaActionView(CuratorFramework client) {
        this.cache = CuratorCache.build(client, ZkPaths.NOVA);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> changed(node))
                .forDeletes(node -> ZkPaths.parse(ZkPaths.NOVA, node.getPath()).ifPresent(actions::remove))
                .build());
    }

    public void start() {
        cache.start();
    }

    public Optional<NovaAction> action(MemberId id) {
        return Optional.ofNullable(actions.get(id));
    }

    /** The member's Nova state for the REST API; {@link NovaStatus#NONE} when nothing was ever asked. */
    public NovaStatus status(MemberId id) {
        return NovaStatus.of(actions.get(id));
    }

    private void changed(ChildData node) {
        Optional<MemberId> id = ZkPaths.parse(ZkPaths.NOVA, node.getPath());
        if (id.isEmpty()) {
            return;
        }
        try {
            actions.put(id.get(), Json.read(node.getData(), NovaAction.class));
        } catch (HostwatchException e) {
            LOG.warn("ignoring unreadable Nova action at {}: {}", node.getPath(), e.getMessage());
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
