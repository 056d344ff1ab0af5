package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * Credentials the OpenStack way: {@code --os-*} options (the {@code OS_*} variables are their
 * defaults), a token from Keystone sent as {@code X-Auth-Token}, and exit status 4 when the service
 * or Keystone says no. One stub plays both Keystone and the service, on 127.0.0.1.
 */
@Timeout(30)
class CredentialsTest {
    private static final String MAINTENANCE = "{\"group\":\"compute\",\"host\":\"h1\",\"reason\":\"disk\","
            + "\"since\":\"2026-11-24T12:00:00Z\",\"setBy\":\"hw-operator@admin\"}";
    private StubService stub;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        stub = new StubService();
        stub.answer("POST /v3/auth/tokens", 201, "{\"token\":{\"expires_at\":\"2099-01-01T00:00:00Z\"}}")
                .header("POST /v3/auth/tokens", "X-Subject-Token", "gAAAAissued");
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private int run(String... args) {
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", stub.url()));
        return commandLine.execute(all.toArray(String[]::new));
    }

    @Test
    void aPasswordGetsAProjectScopedTokenThatIsSentToTheService() {
        stub.answer("PUT /v1/groups/compute/members/h1/maintenance", 200, MAINTENANCE);
        int status = run("maintenance", "compute", "h1", "on", "--reason", "disk",
                "--os-auth-url", stub.url() + "/v3", "--os-username", "hw-operator", "--os-password", "pw",
                "--os-project-name", "admin");
        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("set by hw-operator@admin");
        StubService.Request login = stub.requests.get(0);
        assertThat(login.uri()).isEqualTo("/v3/auth/tokens");
        assertThat(login.body()).contains("\"password\"", "\"hw-operator\"", "\"scope\"", "\"admin\"",
                "\"Default\"");
        assertThat(stub.requests.get(1).token()).isEqualTo("gAAAAissued");
    }

    @Test
    void anApplicationCredentialIsUnscoped() {
        stub.answer("GET /v1/detector", 200, "{\"instance\":\"a\",\"leader\":true}");
        int status = run("detector", "--os-auth-url", stub.url(), "--os-application-credential-id", "ac1",
                "--os-application-credential-secret", "s3cret");
        assertThat(status).as(err.toString()).isZero();
        assertThat(stub.requests.get(0).body()).contains("application_credential", "ac1").doesNotContain("scope");
        assertThat(stub.requests.get(1).token()).isEqualTo("gAAAAissued");
    }

    @Test
    void aTokenIsUsedAsItIs() {
        stub.answer("GET /v1/detector", 200, "{\"instance\":\"a\"}");
        assertThat(run("detector", "--os-token", "gAAAAgiven")).isZero();
        assertThat(stub.requests).hasSize(1);
        assertThat(stub.requests.get(0).token()).isEqualTo("gAAAAgiven");
    }

    @Test
    void refusalsExitWithFour() {
        stub.answer("DELETE /v1/groups/compute/brake", 403,
                "{\"code\":403,\"message\":\"hw-reader@demo may not change this\"}");
        assertThat(run("brake", "release", "compute", "--os-token", "gAAAAreader")).isEqualTo(4);
        assertThat(err.toString()).contains("not allowed", "may not change this");
        stub.answer("GET /v1/groups", 401, "{\"code\":401,\"message\":\"authentication required\"}");
        assertThat(run("members")).isEqualTo(4);
        assertThat(err.toString()).contains("OS_*");
        stub.answer("POST /v3/auth/tokens", 401, "{\"error\":{\"code\":401,\"title\":\"Unauthorized\","
                + "\"message\":\"The request you have made requires authentication.\"}}");
        assertThat(run("members", "--os-auth-url", stub.url(), "--os-username", "u", "--os-password", "wrong",
                "--os-project-name", "p")).isEqualTo(4);
        assertThat(err.toString()).contains("Keystone refused the credentials");
    }

    @Test
    void controlCharactersFromTheServiceAreEscaped() {
        stub.answer("GET /v1/groups/compute/brake", 200, "{\"group\":\"compute\",\"engaged\":false,"
                + "\"engagedAt\":\"2026-11-24T12:00:00Z\",\"reason\":\"x\\u001b[2J\\nFAKE\",\"releasedBy\":\"ops\"}");
        assertThat(run("brake", "show", "compute")).isZero();
        assertThat(out.toString()).doesNotContain("\u001b").contains("x\\u001b[2J\\nFAKE", "by ops");
    }
}
