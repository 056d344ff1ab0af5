package io.hostwatch.client.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a call, instead of the JVM's default of running shutdown hooks and
 * exiting with status 143 or 130: the caller then stops in order and exits 0.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /**
     * Installs {@code onStop} for SIGTERM and SIGINT. It runs on the JVM's signal thread and must
     * not block.
     *
     * @return false when a signal could not be taken over (the JVM runs with {@code -Xrs}, for example)
     */
    static boolean install(Runnable onStop) {
        boolean all = true;
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    log.info("received SIG{}", signal.getName());
                    onStop.run();
                });
            } catch (IllegalArgumentException e) {
                log.warn("cannot handle SIG{}: {}; it stops the agent through a shutdown hook instead", name,
                        e.getMessage());
                all = false;
            }
        }
        return all;
    }
}
