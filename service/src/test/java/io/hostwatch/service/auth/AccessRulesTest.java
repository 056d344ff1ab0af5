package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AccessRulesTest {
    @Test
    void restPortReadsNeedReaderAndEverythingElseOperator() {
        AccessRules rules = AccessRules.restPort();
        assertThat(rules.required("GET", "/v1/groups")).isEqualTo(Roles.READER);
        assertThat(rules.required("HEAD", "/v1/detector")).isEqualTo(Roles.READER);
        assertThat(rules.required("PUT", "/v1/groups/compute/members/h/maintenance")).isEqualTo(Roles.OPERATOR);
        assertThat(rules.required("DELETE", "/v1/groups/compute/brake")).isEqualTo(Roles.OPERATOR);
        assertThat(rules.required("POST", "/v1/groups/compute/members/h")).isEqualTo(Roles.OPERATOR);
        assertThat(rules.required("PATCH", "/anything")).isEqualTo(Roles.OPERATOR);
    }

    @Test
    void onlyTheDashboardsStaticShellIsAnonymous() {
        AccessRules rules = AccessRules.restPort();
        for (String shell : List.of("/ui", "/ui/", "/ui/index.html", "/ui/dashboard.css", "/ui/dashboard.js")) {
            assertThat(rules.required("GET", shell)).as(shell).isNull();
        }
        assertThat(rules.required("GET", "/ui/../v1/groups")).isEqualTo(Roles.READER);
        assertThat(rules.required("GET", "/ui/%2e%2e/v1/groups")).isEqualTo(Roles.READER);
        assertThat(rules.required("GET", "/ui/other.html")).isEqualTo(Roles.READER);
        assertThat(rules.required("GET", "/uix")).isEqualTo(Roles.READER);
        assertThat(rules.required("POST", "/ui/")).isEqualTo(Roles.OPERATOR);
    }

    @Test
    void adminPortTasksNeedOperatorAndOnlyListedPathsAreAnonymous() {
        AccessRules rules = AccessRules.adminPort(List.of("/ping", "/healthcheck"));
        assertThat(rules.required("GET", "/ping")).isNull();
        assertThat(rules.required("GET", "/healthcheck")).isNull();
        assertThat(rules.required("GET", "/pingx")).isEqualTo(Roles.READER);
        assertThat(rules.required("GET", "/threads")).isEqualTo(Roles.READER);
        assertThat(rules.required("GET", "/metrics")).isEqualTo(Roles.READER);
        assertThat(rules.required("POST", "/tasks/log-level")).isEqualTo(Roles.OPERATOR);
        assertThat(rules.required("GET", "/tasks")).isEqualTo(Roles.OPERATOR);
        assertThat(rules.required("POST", "/ping")).isEqualTo(Roles.OPERATOR);
    }
}
