package io.hostwatch.client.watch;

import java.util.Optional;
import java.util.stream.Stream;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCacheStorage;

/**
 * The storage of a {@code CuratorCache} that reports every node the cache reads and every node it
 * drops, in the order the cache does so (on Curator's event thread).
 *
 * <p>Why not the cache's listener alone: it reports a change only when a node's data version
 * differs from the stored one, so a node deleted and created again while the client was
 * disconnected (a member's new heartbeat znode, version 0 like the old one) goes unreported. The
 * storage sees each read, including the full re-read after a reconnection, and the subscriber
 * compares creation and modification zxids itself. Data is not kept here; the subscriber keeps
 * the decoded records.
 */
final class NotifyingStorage implements CuratorCacheStorage {
    /** Receives what the cache read or dropped. Called on Curator's event thread: must not block. */
    interface Sink {
        void read(ChildData node);

        void dropped(String path);
    }

    private final CuratorCacheStorage delegate = CuratorCacheStorage.dataNotCached();
    private final Sink sink;

    NotifyingStorage(Sink sink) {
        this.sink = sink;
    }

    @Override
    public Optional<ChildData> put(ChildData data) {
        Optional<ChildData> previous = delegate.put(data);
        sink.read(data);
        return previous;
    }

    @Override
    public Optional<ChildData> remove(String path) {
        Optional<ChildData> previous = delegate.remove(path);
        if (previous.isPresent()) {
            sink.dropped(path);
        }
        return previous;
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
