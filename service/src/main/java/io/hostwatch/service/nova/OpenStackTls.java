package io.hostwatch.service.nova;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP client of every call to Keystone, Nova and Masakari: HTTP/1.1, no redirects, and when
 * {@code keystone.caFile} is set, TLS that trusts exactly the CA certificates in that PEM file
 * (not the JDK's). Also the rule for plain {@code http://} URLs: refused unless they point at the
 * loopback interface or {@code keystone.allowInsecureHttp} is set.
 */
public final class OpenStackTls {
    private OpenStackTls() {
    }

    /**
     * An HTTP client trusting {@code caFile} (PEM, one or more certificates), or the JDK's CAs when it
     * is null or blank.
     *
     * @throws IllegalStateException when the file cannot be read or holds no certificate
     */
    public static HttpClient client(String caFile, Duration connectTimeout) {
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caFile != null && !caFile.isBlank()) {
            b.sslContext(sslContext(Path.of(caFile)));
        }
        return b.build();
    }

    static SSLContext sslContext(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalStateException("keystone.caFile " + pem + " holds no certificate");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load keystone.caFile " + pem + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code url} is https, or http to a loopback host ({@code localhost}, 127.0.0.0/8, ::1). */
    public static boolean secureOrLoopback(String url) {
        if (url == null) {
            return true;
        }
        String lower = url.strip().toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            return true;
        }
        if (!lower.startsWith("http://")) {
            return false;
        }
        try {
            String host = URI.create(url.strip()).getHost();
            return host != null && (host.equals("localhost") || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}") || host.equals("[::1]")
                    || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
