package io.hostwatch.acceptance.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bed's Keystone holds what its header promises, for every test that authenticates against it:
 * the service user and its application credential, a reader, an operator (admin) and a user with no
 * role on the project, in region {@code regionOne}.
 */
@Timeout(900)
class KeystoneTestbedIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static OpenStackTestbed.Facts bed;

    @BeforeAll
    static void up() {
        bed = OpenStackTestbed.ensureKeystone();
    }

    @Test
    void usersRolesAndApplicationCredential() throws Exception {
        HttpResponse<String> service = password(bed.serviceUser(), bed.servicePassword());
        assertThat(service.statusCode()).as(service.body()).isEqualTo(201);
        assertThat(service.headers().firstValue("X-Subject-Token")).isPresent();
        assertThat(roles(service)).contains("admin", "service");
        assertThat(JSON.readTree(service.body()).path("token").path("project").path("name").asText())
                .isEqualTo(bed.project());

        HttpResponse<String> reader = password("hw-reader", bed.passwordOf("hw-reader"));
        assertThat(reader.statusCode()).as(reader.body()).isEqualTo(201);
        assertThat(roles(reader)).contains("reader").doesNotContain("admin");

        HttpResponse<String> operator = password("hw-operator", bed.passwordOf("hw-operator"));
        assertThat(operator.statusCode()).as(operator.body()).isEqualTo(201);
        assertThat(roles(operator)).contains("admin");

        HttpResponse<String> norole = password("hw-norole", bed.passwordOf("hw-norole"));
        assertThat(norole.statusCode()).as("no role on the project: no project-scoped token").isEqualTo(401);
        assertThat(JSON.readTree(norole.body()).path("error").path("code").asInt()).isEqualTo(401);

        HttpResponse<String> wrong = password(bed.serviceUser(), "not-the-password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Keystone uri=");

        String appCred = """
                {"auth":{"identity":{"methods":["application_credential"],"application_credential":\
                {"id":"%s","secret":"%s"}}}}""".formatted(bed.appCredentialId(), bed.appCredentialSecret());
        HttpResponse<String> app = post(appCred);
        assertThat(app.statusCode()).as(app.body()).isEqualTo(201);
        assertThat(roles(app)).contains("admin");

        // The service user may validate another user's token (what REST authentication needs).
        HttpResponse<String> validated = HTTP.send(HttpRequest.newBuilder(URI.create(bed.authUrl() + "/auth/tokens"))
                .header("X-Auth-Token", service.headers().firstValue("X-Subject-Token").orElseThrow())
                .header("X-Subject-Token", reader.headers().firstValue("X-Subject-Token").orElseThrow())
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(validated.statusCode()).as(validated.body()).isEqualTo(200);
        assertThat(JSON.readTree(validated.body()).path("token").path("user").path("name").asText())
                .isEqualTo("hw-reader");

        JsonNode catalog = JSON.readTree(service.body()).path("token").path("catalog");
        List<String> regions = new ArrayList<>();
        catalog.forEach(s -> s.path("endpoints").forEach(e -> regions.add(e.path("region_id").asText())));
        assertThat(regions).isNotEmpty().allMatch(bed.region()::equals);
        assertThat(bed.region()).isEqualTo("regionOne");
    }

    static HttpResponse<String> password(String user, String password) throws IOException, InterruptedException {
        return post("""
                {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":"Default"},\
                "password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}"""
                .formatted(user, password, bed.project()));
    }

    static HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(bed.authUrl() + "/auth/tokens"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> roles(HttpResponse<String> response) throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(response.body()).path("token").path("roles").forEach(r -> names.add(r.path("name").asText()));
        return names;
    }
}
