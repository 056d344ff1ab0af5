package io.hostwatch.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hostwatch.schema.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * OpenStack credentials as python-openstackclient takes them: the {@code OS_*} environment
 * variables, each overridden by its {@code --os-*} option. A token ({@code OS_TOKEN}) is used as it
 * is; otherwise, with {@code OS_AUTH_URL}, the CLI gets a token from Keystone with an application
 * credential ({@code OS_APPLICATION_CREDENTIAL_ID}/{@code _SECRET}) or a password
 * ({@code OS_USERNAME}, {@code OS_PASSWORD}, {@code OS_PROJECT_NAME} and the domains). Without
 * either, requests carry no token (a service with {@code auth.type: none}). {@code OS_CACERT} is
 * the PEM CA file trusted for Keystone and for the hostwatch service; {@code OS_CERT} (and
 * {@code OS_KEY}) the PEM client certificate presented to a service with {@code auth.type: mtls}.
 */
final class OsOptions {
    @Option(names = "--os-auth-url", paramLabel = "URL", defaultValue = "${env:OS_AUTH_URL}",
            description = "Keystone URL (default: $OS_AUTH_URL).")
    String authUrl;
    @Option(names = "--os-username", paramLabel = "NAME", defaultValue = "${env:OS_USERNAME}",
            description = "User name (default: $OS_USERNAME).")
    String username;
    @Option(names = "--os-password", paramLabel = "PASSWORD", defaultValue = "${env:OS_PASSWORD}",
            description = "Password (default: $OS_PASSWORD; prefer the variable: options show in 'ps').")
    String password;
    @Option(names = "--os-project-name", paramLabel = "NAME", defaultValue = "${env:OS_PROJECT_NAME}",
            description = "Project to scope the token to (default: $OS_PROJECT_NAME).")
    String projectName;
    @Option(names = "--os-user-domain-name", paramLabel = "NAME",
            defaultValue = "${env:OS_USER_DOMAIN_NAME:-Default}",
            description = "User's domain (default: $OS_USER_DOMAIN_NAME, else Default).")
    String userDomainName;
    @Option(names = "--os-project-domain-name", paramLabel = "NAME",
            defaultValue = "${env:OS_PROJECT_DOMAIN_NAME:-Default}",
            description = "Project's domain (default: $OS_PROJECT_DOMAIN_NAME, else Default).")
    String projectDomainName;
    @Option(names = "--os-application-credential-id", paramLabel = "ID",
            defaultValue = "${env:OS_APPLICATION_CREDENTIAL_ID}",
            description = "Application credential id (default: $OS_APPLICATION_CREDENTIAL_ID).")
    String applicationCredentialId;
    @Option(names = "--os-application-credential-secret", paramLabel = "SECRET",
            defaultValue = "${env:OS_APPLICATION_CREDENTIAL_SECRET}",
            description = "Application credential secret (default: $OS_APPLICATION_CREDENTIAL_SECRET).")
    String applicationCredentialSecret;
    @Option(names = "--os-token", paramLabel = "TOKEN", defaultValue = "${env:OS_TOKEN}",
            description = "A Keystone token to use as it is (default: $OS_TOKEN).")
    String token;
    @Option(names = "--os-cacert", paramLabel = "FILE", defaultValue = "${env:OS_CACERT}",
            description = "PEM CA certificate(s) trusted for Keystone and the service (default: $OS_CACERT).")
    String cacert;
    @Option(names = "--os-cert", paramLabel = "FILE", defaultValue = "${env:OS_CERT}",
            description = "PEM client certificate for mutual TLS (auth.type mtls), with its key unless --os-key"
                    + " is given (default: $OS_CERT).")
    String cert;
    @Option(names = "--os-key", paramLabel = "FILE", defaultValue = "${env:OS_KEY}",
            description = "PEM private key of --os-cert, unencrypted PKCS#8 or RSA (default: $OS_KEY).")
    String key;

    /** Largest Keystone answer read (a token with its catalog). */
    private static final int MAX_BODY = 1 << 20;

    /**
     * The TLS context for Keystone and the service: trusting {@code --os-cacert} only (the JDK's CAs
     * when unset), presenting {@code --os-cert} when given; null when neither is set.
     */
    SSLContext sslContext() {
        if (!blank(key) && blank(cert)) {
            throw new CliException(ExitCodes.USAGE, "--os-key (OS_KEY) is set but --os-cert (OS_CERT) is not");
        }
        if (blank(cacert) && blank(cert)) {
            return null;
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(blank(cert) ? null : ClientCertificate.read(cert.strip(), blank(key) ? null : key.strip())
                    .keyManagers(), blank(cacert) ? null : trustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.USAGE, "cannot use --os-cert " + cert + ": " + e.getMessage(), e);
        }
    }

    private TrustManager[] trustManagers() {
        try (InputStream in = Files.newInputStream(Path.of(cacert))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new CliException(ExitCodes.USAGE, "--os-cacert " + cacert + " holds no certificate");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf.getTrustManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read --os-cacert " + cacert + ": " + e.getMessage(), e);
        }
    }

    /** The token to send, or null when no credentials are given. */
    String token(HttpClient http) {
        if (!blank(token)) {
            return token.strip();
        }
        if (blank(authUrl)) {
            if (!blank(username) || !blank(applicationCredentialId)) {
                throw new CliException(ExitCodes.USAGE, "credentials given but no Keystone URL: set OS_AUTH_URL or"
                        + " --os-auth-url");
            }
            return null;
        }
        HttpRequest request = HttpRequest.newBuilder(tokensUri())
                .timeout(ServiceClient.REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(authBody().toString()))
                .build();
        HttpResponse<InputStream> response;
        String body;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] bytes = in.readNBytes(MAX_BODY + 1);
                if (bytes.length > MAX_BODY) {
                    throw new CliException(ExitCodes.UNREACHABLE, "Keystone's answer is larger than " + MAX_BODY
                            + " bytes");
                }
                body = new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "Keystone not reachable at " + authUrl + " ("
                    + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNREACHABLE, "interrupted while asking Keystone for a token", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new CliException(ExitCodes.NOT_ALLOWED, "Keystone refused the credentials (" + status + "): "
                    + keystoneMessage(body));
        }
        if (status != 201 && status != 200) {
            throw new CliException(status >= 500 ? ExitCodes.UNREACHABLE : ExitCodes.USAGE, "Keystone answered "
                    + status + ": " + keystoneMessage(body));
        }
        return response.headers().firstValue("X-Subject-Token").filter(t -> !t.isBlank()).orElseThrow(() ->
                new CliException(ExitCodes.UNREACHABLE, "Keystone answered without an X-Subject-Token header"));
    }

    private URI tokensUri() {
        String base = authUrl.strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (!base.endsWith("/v3")) {
            base = base + "/v3";
        }
        try {
            URI uri = URI.create(base + "/auth/tokens");
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "OS_AUTH_URL '" + ServiceClient.oneLine(authUrl)
                    + "' is not an http(s) URL");
        }
    }

    private ObjectNode authBody() {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode identity = root.putObject("auth").putObject("identity");
        if (!blank(applicationCredentialId)) {
            if (blank(applicationCredentialSecret)) {
                throw new CliException(ExitCodes.USAGE, "OS_APPLICATION_CREDENTIAL_ID needs"
                        + " OS_APPLICATION_CREDENTIAL_SECRET");
            }
            identity.putArray("methods").add("application_credential");
            identity.putObject("application_credential").put("id", applicationCredentialId)
                    .put("secret", applicationCredentialSecret);
            return root;
        }
        if (blank(username) || password == null) {
            throw new CliException(ExitCodes.USAGE, "OS_AUTH_URL is set but neither OS_USERNAME and OS_PASSWORD nor"
                    + " OS_APPLICATION_CREDENTIAL_ID and _SECRET are");
        }
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        user.put("name", username);
        user.putObject("domain").put("name", userDomainName);
        user.put("password", password);
        if (!blank(projectName)) {
            ObjectNode project = ((ObjectNode) root.get("auth")).putObject("scope").putObject("project");
            project.put("name", projectName);
            project.putObject("domain").put("name", projectDomainName);
        }
        return root;
    }

    private static String keystoneMessage(String body) {
        try {
            JsonNode error = Json.mapper().readTree(body).path("error");
            if (error.hasNonNull("message")) {
                return ServiceClient.oneLine(error.get("message").asText());
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through
        }
        return body == null || body.isBlank() ? "(no message)" : ServiceClient.oneLine(body);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
