package io.hostwatch.service.nova;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code keystone.*}: how hostwatch authenticates to OpenStack (Keystone v3), and which catalog
 * endpoints it uses. Only read when {@code nova.enabled} is true.
 *
 * <p>Password auth is project-scoped ({@code username}, {@code password}, {@code projectName} and
 * the domains); application-credential auth takes {@code applicationCredentialId} and
 * {@code applicationCredentialSecret} and no scope (the credential carries it). Secrets come from
 * a file or an environment variable ({@link SecretSource}).
 */
public class KeystoneConfiguration {
    public static final String PASSWORD = "password";
    public static final String APPLICATION_CREDENTIAL = "application_credential";

    /** Keystone's v3 URL, e.g. {@code https://keystone.example.com:5000/v3}. */
    @JsonProperty
    public String authUrl;
    /** {@code password} or {@code application_credential}. */
    @NotEmpty @Pattern(regexp = PASSWORD + "|" + APPLICATION_CREDENTIAL) @JsonProperty
    public String authType = PASSWORD;
    @JsonProperty
    public String username;
    @NotEmpty @JsonProperty
    public String userDomainName = "Default";
    @Valid @JsonProperty
    public SecretSource password;
    @JsonProperty
    public String projectName;
    @NotEmpty @JsonProperty
    public String projectDomainName = "Default";
    @JsonProperty
    public String applicationCredentialId;
    @Valid @JsonProperty
    public SecretSource applicationCredentialSecret;
    /** Catalog interface to use: {@code public}, {@code internal} or {@code admin}. */
    @NotNull @Pattern(regexp = "public|internal|admin") @JsonProperty("interface")
    public String interfaceName = "internal";
    /** PEM file with the CA certificate(s) that Keystone's, Nova's and Masakari's TLS certificates chain to. */
    @JsonProperty
    public String caFile;
    /** Allow plain {@code http://} to Keystone, Nova and Masakari beyond the loopback interface. */
    @JsonProperty
    public boolean allowInsecureHttp = false;
    /** Catalog region ({@code region_id}); empty = the first endpoint of the interface. */
    @JsonProperty
    public String region;

    /** What is missing for the configured auth type; empty when it is complete. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (blank(authUrl)) {
            out.add("keystone.authUrl is required");
        } else if (!authUrl.startsWith("http://") && !authUrl.startsWith("https://")) {
            out.add("keystone.authUrl must be an http(s) URL");
        } else if (!allowInsecureHttp && !OpenStackTls.secureOrLoopback(authUrl)) {
            out.add("keystone.authUrl must be https (plain http only to loopback, or with keystone.allowInsecureHttp)");
        }
        if (APPLICATION_CREDENTIAL.equals(authType)) {
            if (blank(applicationCredentialId)) {
                out.add("keystone.applicationCredentialId is required for application_credential auth");
            }
            if (applicationCredentialSecret == null) {
                out.add("keystone.applicationCredentialSecret (file or env) is required for application_credential"
                        + " auth");
            }
        } else {
            if (blank(username)) {
                out.add("keystone.username is required for password auth");
            }
            if (password == null) {
                out.add("keystone.password (file or env) is required for password auth");
            }
            if (blank(projectName)) {
                out.add("keystone.projectName is required for password auth");
            }
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Never shows a secret, only where it comes from. */
    @Override
    public String toString() {
        return "KeystoneConfiguration{authUrl=" + authUrl + ", authType=" + authType + ", username=" + username
                + ", password=" + password + ", project=" + projectName + ", applicationCredentialId="
                + applicationCredentialId + ", applicationCredentialSecret=" + applicationCredentialSecret
                + ", interface=" + interfaceName + ", region=" + region + ", caFile=" + caFile + "}";
    }
}
