package io.hostwatch.service.api;

import io.hostwatch.schema.Verdict;
import java.util.List;

/**
 * Body of {@code GET /v1/groups/{group}/members/{host}/history}.
 *
 * @param group the group
 * @param host the host
 * @param transitions the member's last verdict transitions with their evidence, newest first, at
 *                    most as many as asked for
 */
public record MemberHistory(String group, String host, List<Verdict> transitions) {
}
