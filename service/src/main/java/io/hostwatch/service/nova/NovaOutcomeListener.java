package io.hostwatch.service.nova;

/**
 * Told the outcome of every Nova call sequence and every Masakari step the leader ran, e.g. to
 * count {@code hostwatch_nova_actions_total{action,outcome}}. Called on the notifier's one thread,
 * after the outcome is recorded in ZooKeeper: it must not block; an exception is logged and
 * ignored.
 */
@FunctionalInterface
public interface NovaOutcomeListener {
    /**
     * @param action {@code force_down}, {@code force_up} (the Nova calls), {@code masakari_notify}
     *     (the notification of a force-down) or {@code masakari_clear} (clearing
     *     {@code on_maintenance} with a force-up)
     * @param outcome for the Nova calls {@code done}, {@code failed} or {@code retry}; for a Masakari
     *     step {@code accepted}, {@code already_handled}, {@code ignored}, {@code rejected},
     *     {@code cleared}, {@code not_sent} or {@code retry}
     */
    void outcome(String action, String outcome);
}
