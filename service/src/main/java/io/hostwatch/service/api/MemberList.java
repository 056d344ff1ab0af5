package io.hostwatch.service.api;

import io.hostwatch.schema.Verdict;
import java.util.List;

/**
 * Body of {@code GET /v1/groups/{group}/members}.
 *
 * @param group the group
 * @param members every member's verdict, sorted by host
 */
public record MemberList(String group, List<Verdict> members) {
}
