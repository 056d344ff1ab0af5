package io.hostwatch.service.nova;

import io.hostwatch.schema.NovaAction;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link NovaOutcomeListener}s, and what changed between a record before and after an attempt. */
final class NovaOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(NovaOutcomes.class);

    private final List<NovaOutcomeListener> listeners = new CopyOnWriteArrayList<>();

    void add(NovaOutcomeListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /** Tells the listeners what the attempt that turned {@code before} into {@code after} did. */
    void report(NovaAction before, NovaAction after) {
        if (listeners.isEmpty()) {
            return;
        }
        String kind = after.kind() == NovaAction.Kind.FORCE_DOWN ? "force_down" : "force_up";
        if (after.attempts() != before.attempts()) {
            tell(kind, switch (after.status()) {
                case DONE -> "done";
                case FAILED -> "failed";
                case PENDING -> "retry";
            });
        }
        NovaAction.MasakariStep was = before.notification();
        NovaAction.MasakariStep now = after.notification();
        if (now != null && (was == null || was.attempts() != now.attempts() || was.state() != now.state())) {
            String step = after.kind() == NovaAction.Kind.FORCE_DOWN ? "masakari_notify" : "masakari_clear";
            tell(step, now.state() == NovaAction.Notification.PENDING ? "retry"
                    : now.state().name().toLowerCase(Locale.ROOT));
        }
    }

    private void tell(String action, String outcome) {
        for (NovaOutcomeListener l : listeners) {
            try {
                l.outcome(action, outcome);
            } catch (RuntimeException e) {
                LOG.warn("Nova outcome listener failed on {} {}", action, outcome, e);
            }
        }
    }
}
