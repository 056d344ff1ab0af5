package io.hostwatch.service.api;

import io.hostwatch.schema.State;
import java.util.Map;

/**
 * One entry of {@code GET /v1/groups}.
 *
 * @param name group name
 * @param members members with a verdict or a registration
 * @param states how many members are in each state
 */
public record GroupSummary(String name, int members, Map<State, Integer> states) {
}
