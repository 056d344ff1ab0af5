package io.hostwatch.service.api;

import java.util.List;

/**
 * Body of {@code GET /v1/groups}.
 *
 * @param groups every group, sorted by name
 */
public record GroupList(List<GroupSummary> groups) {
}
