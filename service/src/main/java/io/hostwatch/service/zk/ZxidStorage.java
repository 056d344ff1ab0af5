package io.hostwatch.service.zk;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;

/**
 * The storage of a {@code CuratorCache} that reports a node whenever it is new or a different
 * version of the node than the one stored: its creation zxid differs (deleted and created again)
 * or its modification zxid does. The cache's own listener compares data versions only, so a
 * member's heartbeat znode deleted and created again while this instance was disconnected (version
 * 0 like the old one, but a new incarnation and maybe a new address) would go unreported; its full
 * re-read after the reconnection passes through here.
 */
final class ZxidStorage implements CuratorCacheStorage {
    private final CuratorCacheStorage delegate = CuratorCacheStorage.standard();
    private final Consumer<ChildData> changed;

    /** {@code changed} is called on Curator's event thread: it must not block. */
    ZxidStorage(Consumer<ChildData> changed) {
        this.changed = changed;
    }

    @Override
    public Optional<ChildData> put(ChildData data) {
        Optional<ChildData> previous = delegate.put(data);
        if (previous.isEmpty() || previous.get().getStat().getCzxid() != data.getStat().getCzxid()
                || previous.get().getStat().getMzxid() != data.getStat().getMzxid()) {
            changed.accept(data);
        }
        return previous;
    }

    @Override
    public Optional<ChildData> remove(String path) {
        return delegate.remove(path);
    }

    @Override
    public void clear() {
        delegate.clear();
    }

    @Override
    public Optional<ChildData> get(String path) {
        return delegate.get(path);
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public Stream<ChildData> stream() {
        return delegate.stream();
    }
}
