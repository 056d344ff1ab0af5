package io.hostwatch.service.fencing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.nova.SecretSource;
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
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Redfish (DMTF DSP0266) power control with {@code java.net.http}: the power state is the
 * {@code PowerState} property of the {@code ComputerSystem} resource
 * ({@code /redfish/v1/Systems/{id}}), and a power-off is a POST of {@code {"ResetType": "ForceOff"}}
 * to the target its {@code Actions."#ComputerSystem.Reset".target} names (by default
 * {@code .../Actions/ComputerSystem.Reset}). Only {@code PowerState: Off} counts as off:
 * {@code PoweringOff}, {@code On}, {@code PoweringOn} and {@code Paused} are on.
 *
 * <p>HTTP basic authentication on every request; HTTPS verified against the JDK's trust store or,
 * when {@code caFile} is given, only against the PEM certificates in it (host name checked too).
 * A reset target outside {@code /redfish/v1/} of the same BMC is refused, so credentials are
 * never sent anywhere else. With no {@code systemId}, the BMC must list exactly one system.
 */
public final class RedfishPowerClient implements PowerManagement {
    /** What the configuration resolved for one host. */
    public record Settings(URI baseUrl, String systemId, String username, SecretSource password, Path caFile,
                           Duration timeout) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 256 * 1024;

    private final Settings s;
    private final HttpClient http;

    public RedfishPowerClient(Settings settings) {
        this.s = settings;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1);
        if (settings.caFile() != null) {
            b.sslContext(sslContext(settings.caFile()));
        }
        this.http = b.build();
    }

    @Override
    public String method() {
        return "redfish";
    }

    @Override
    public String target() {
        return s.baseUrl() + (s.systemId() == null ? "" : " system " + s.systemId());
    }

    @Override
    public Reading status() {
        JsonNode system = get(systemPath());
        String state = system.path("PowerState").asText("");
        if (state.isEmpty()) {
            throw new BmcException("Redfish system at " + target() + " has no PowerState");
        }
        return new Reading("Off".equals(state) ? SignalStatus.Power.OFF : SignalStatus.Power.ON, "PowerState "
                + clean(state));
    }

    @Override
    public String powerOff() {
        return reset("ForceOff");
    }

    @Override
    public String powerOn() {
        return reset("On");
    }

    private String reset(String type) {
        String path = systemPath();
        JsonNode system = get(path);
        String target = system.path("Actions").path("#ComputerSystem.Reset").path("target")
                .asText(path + "/Actions/ComputerSystem.Reset");
        if (!target.startsWith("/redfish/v1/") || target.contains("..") || target.contains("//")) {
            throw new BmcException("Redfish system at " + target() + " names a reset target outside /redfish/v1/: "
                    + clean(target));
        }
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(resolve(target))
                .POST(HttpRequest.BodyPublishers.ofString("{\"ResetType\":\"" + type + "\"}"))
                .header("Content-Type", "application/json"));
        int code = r.statusCode();
        body(r); // drain
        if (code != 200 && code != 202 && code != 204) {
            throw new BmcException("Redfish reset " + type + " at " + target() + " answered " + code);
        }
        return "ComputerSystem.Reset " + type + " answered " + code;
    }

    private String systemPath() {
        if (s.systemId() != null) {
            return "/redfish/v1/Systems/" + s.systemId();
        }
        JsonNode members = get("/redfish/v1/Systems").path("Members");
        if (!members.isArray() || members.size() != 1) {
            throw new BmcException("Redfish service at " + s.baseUrl() + " lists " + (members.isArray()
                    ? members.size() : 0) + " systems; configure systemId");
        }
        String id = members.get(0).path("@odata.id").asText("");
        if (!id.startsWith("/redfish/v1/Systems/") || id.contains("..")) {
            throw new BmcException("Redfish service at " + s.baseUrl() + " lists an unusable system " + clean(id));
        }
        return id;
    }

    private JsonNode get(String path) {
        HttpResponse<InputStream> r = send(HttpRequest.newBuilder(resolve(path)).GET()
                .header("Accept", "application/json"));
        byte[] body = body(r);
        if (r.statusCode() != 200) {
            throw new BmcException("Redfish GET " + path + " at " + s.baseUrl() + " answered " + r.statusCode());
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new BmcException("Redfish GET " + path + " at " + s.baseUrl() + " answered no JSON");
        }
    }

    private HttpResponse<InputStream> send(HttpRequest.Builder request) {
        String auth = s.username() + ":" + s.password().read();
        request.timeout(s.timeout()).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)))
                .header("OData-Version", "4.0");
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new BmcException("no answer from the Redfish service at " + s.baseUrl() + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + clean(e.getMessage())), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmcException("interrupted while asking the Redfish service at " + s.baseUrl(), e);
        }
    }

    private static byte[] body(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            return in.readNBytes(MAX_BODY);
        } catch (IOException e) {
            throw new BmcException("cannot read the Redfish answer: " + e.getMessage(), e);
        }
    }

    private URI resolve(String path) {
        String base = s.baseUrl().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + n++, c);
            }
            if (n == 0) {
                throw new BmcException("CA file " + caFile + " holds no certificate");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new BmcException("cannot load CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static String clean(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() <= 120 ? t : t.substring(0, 120) + "...";
    }

    @Override
    public String toString() {
        return method() + " " + target();
    }
}
