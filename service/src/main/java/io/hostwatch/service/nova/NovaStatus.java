package io.hostwatch.service.nova;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostwatch.schema.NovaAction;
import java.time.Instant;

/**
 * The {@code nova} object of {@code GET /v1/groups/{group}/members/{host}}: what hostwatch has
 * asked of Nova for the member.
 *
 * @param state {@code NONE} (nothing ever asked), {@code PENDING}, {@code DONE} or {@code FAILED}
 * @param action {@code FORCE_DOWN} or {@code FORCE_UP}
 * @param novaHost the Nova service host the member maps to
 * @param serviceId the Nova service's UUID, once found
 * @param incarnation the member incarnation the action is for
 * @param attempts call sequences tried
 * @param lastError why the last attempt did not finish, or why the action failed
 * @param masakari where the Masakari step stands ({@code notification.state}), when Masakari is used
 * @param requestedAt when the intent was recorded
 * @param lastAttemptAt when the last attempt ended
 * @param nextAttemptAt when the next attempt is due
 * @param completedAt when it became DONE or FAILED
 * @param notification the Masakari step on its own (state, Masakari's message, attempts, next
 *     attempt): a Masakari that fails does not hold up the Nova action, and its outcome is shown here
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NovaStatus(String state, NovaAction.Kind action, String novaHost, String serviceId,
                         String incarnation, Integer attempts, String lastError, NovaAction.Notification masakari,
                         Instant requestedAt, Instant lastAttemptAt, Instant nextAttemptAt, Instant completedAt,
                         NovaAction.MasakariStep notification) {
    public static final NovaStatus NONE = new NovaStatus("NONE", null, null, null, null, null, null, null, null,
            null, null, null, null);

    public static NovaStatus of(NovaAction a) {
        if (a == null) {
            return NONE;
        }
        return new NovaStatus(a.status().name(), a.kind(), a.novaHost(), a.serviceId(), a.incarnation(),
                a.attempts(), a.lastError(), a.masakari(), a.requestedAt(), a.lastAttemptAt(), a.nextAttemptAt(),
                a.completedAt(), a.notification());
    }
}
