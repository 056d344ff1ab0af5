package io.hostwatch.client.agent;

import org.apache.curator.framework.recipes.nodes.PersistentNodeListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PersistentNodeListener} that can never hurt the {@code PersistentNode} it listens to.
 *
 * <p>What ZooKeeper will do to you: Curator calls a node's listeners on the ZooKeeper client's one
 * event thread. It logs a listener's exception, but an {@link InterruptedException} (or a listener
 * that dutifully restores the interrupt flag) leaves that thread interrupted, and ZooKeeper's event
 * thread ends at its next wait ("Event thread exiting due to interruption"). From then on no watch
 * fires and no session event arrives: the node is never created again after it is deleted, and the
 * heartbeat silently stays gone. This wrapper logs whatever the listener throws and clears an
 * interrupt the listener left behind, so that the event thread lives on.
 */
final class GuardedNodeListener implements PersistentNodeListener {
    private static final Logger log = LoggerFactory.getLogger(GuardedNodeListener.class);

    private final PersistentNodeListener delegate;

    private GuardedNodeListener(PersistentNodeListener delegate) {
        this.delegate = delegate;
    }

    /** {@code listener}, guarded. */
    static PersistentNodeListener guard(PersistentNodeListener listener) {
        return listener instanceof GuardedNodeListener ? listener : new GuardedNodeListener(listener);
    }

    @Override
    public void nodeCreated(String path) {
        boolean interruptedBefore = Thread.currentThread().isInterrupted();
        try {
            delegate.nodeCreated(path);
        } catch (Throwable e) { // nothing may escape onto ZooKeeper's event thread
            log.error("listener of znode {} failed; the znode is still maintained", path, e);
        } finally {
            if (!interruptedBefore && Thread.interrupted()) {
                log.warn("listener of znode {} left ZooKeeper's event thread interrupted; interrupt cleared", path);
            }
        }
    }
}
