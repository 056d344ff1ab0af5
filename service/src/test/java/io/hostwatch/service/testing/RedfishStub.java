package io.hostwatch.service.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Redfish service (DMTF DSP0266) of one BMC on 127.0.0.1, over HTTPS with a certificate made for
 * the test by the JDK's {@code keytool} ({@link #caFile()} is its PEM), with HTTP basic
 * authentication. Resources with the DMTF shapes and property names: the service root, the
 * {@code Systems} collection with one {@code ComputerSystem} ({@code PowerState},
 * {@code Actions."#ComputerSystem.Reset"} with {@code target} and
 * {@code ResetType@Redfish.AllowableValues}), and the reset action (POST
 * {@code {"ResetType": "ForceOff"|"On"|...}}, answered 204). A {@code ForceOff} shows
 * {@code PoweringOff} for {@link #poweringOffReads} reads before {@code Off}. Every request is
 * recorded ({@link #calls()}); {@link #down} makes it answer 503.
 *
 * <p>Public for the acceptance module, which gets it from this module's test-jar.
 */
public final class RedfishStub implements AutoCloseable {
    public static final String USER = "fence";
    public static final String PASSWORD = "redfish-s3cret";
    public static final String SYSTEM = "437XR1138R2";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool;
    private final Path caFile;
    private final AtomicReference<String> power = new AtomicReference<>("On");
    private final AtomicInteger poweringOffLeft = new AtomicInteger();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** Reads that still show {@code PoweringOff} after a {@code ForceOff}. */
    public volatile int poweringOffReads = 1;
    /** Answer 503 to everything. */
    public volatile boolean down;
    /** Run on each {@code ForceOff} (the test's power-off of the host it stands for). */
    public volatile Runnable onForceOff = () -> { };

    private RedfishStub(HttpServer server, ExecutorService pool, Path caFile) {
        this.server = server;
        this.pool = pool;
        this.caFile = caFile;
    }

    /** Starts the service with a fresh certificate for 127.0.0.1 and {@code localhost}, kept in {@code dir}. */
    public static RedfishStub start(Path dir) {
        try {
            Files.createDirectories(dir);
            Path ks = dir.resolve("bmc.p12");
            Path ca = dir.resolve("bmc-ca.pem");
            Files.deleteIfExists(ks);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(keytool, "-genkeypair", "-alias", "bmc", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore",
                    ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
            run(keytool, "-exportcert", "-rfc", "-alias", "bmc", "-keystore", ks.toString(), "-storepass", "changeit",
                    "-file", ca.toString());
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                store.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl));
            ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "redfish-stub");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(pool);
            RedfishStub stub = new RedfishStub(server, pool, ca);
            server.createContext("/redfish/v1", stub::handle);
            server.start();
            return stub;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Redfish stub: " + e, e);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    /** {@code https://127.0.0.1:PORT} */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    public Path caFile() {
        return caFile;
    }

    /** Every request: {@code METHOD PATH [ResetType]}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public long forceOffs() {
        return calls.stream().filter(c -> c.endsWith("ForceOff")).count();
    }

    public String powerState() {
        return power.get();
    }

    public void setPowerState(String state) {
        power.set(state);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            byte[] body = ex.getRequestBody().readNBytes(64 * 1024);
            String resetType = null;
            if (method.equals("POST")) {
                try {
                    JsonNode n = JSON.readTree(body);
                    resetType = n == null ? null : n.path("ResetType").asText(null);
                } catch (IOException e) {
                    resetType = "(bad JSON)";
                }
            }
            calls.add(method + " " + path + (resetType == null ? "" : " " + resetType));
            if (down) {
                send(ex, 503, "{\"error\":{\"code\":\"Base.1.8.ServiceTemporarilyUnavailable\"}}");
                return;
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"Redfish\"");
                send(ex, 401, "{\"error\":{\"code\":\"Base.1.8.InsufficientPrivilege\"}}");
                return;
            }
            String system = "/redfish/v1/Systems/" + SYSTEM;
            if (method.equals("GET") && (path.equals("/redfish/v1") || path.equals("/redfish/v1/"))) {
                send(ex, 200, """
                        {"@odata.id": "/redfish/v1/", "@odata.type": "#ServiceRoot.v1_16_0.ServiceRoot",
                         "Id": "RootService", "Name": "Root Service", "RedfishVersion": "1.17.0",
                         "Systems": {"@odata.id": "/redfish/v1/Systems"}}""");
            } else if (method.equals("GET") && path.equals("/redfish/v1/Systems")) {
                send(ex, 200, """
                        {"@odata.id": "/redfish/v1/Systems",
                         "@odata.type": "#ComputerSystemCollection.ComputerSystemCollection",
                         "Name": "Computer System Collection", "Members@odata.count": 1,
                         "Members": [{"@odata.id": "%s"}]}""".formatted(system));
            } else if (method.equals("GET") && path.equals(system)) {
                String state = power.get();
                if (state.equals("Off") && poweringOffLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    state = "PoweringOff";
                }
                send(ex, 200, """
                        {"@odata.id": "%s", "@odata.type": "#ComputerSystem.v1_20_0.ComputerSystem",
                         "Id": "%s", "Name": "compute node", "SystemType": "Physical", "PowerState": "%s",
                         "Status": {"State": "Enabled", "Health": "OK"},
                         "Actions": {"#ComputerSystem.Reset": {"target": "%s/Actions/ComputerSystem.Reset",
                           "ResetType@Redfish.AllowableValues": ["On", "ForceOff", "GracefulShutdown",
                             "ForceRestart", "PowerCycle"]}}}""".formatted(system, SYSTEM, state, system));
            } else if (method.equals("POST") && path.equals(system + "/Actions/ComputerSystem.Reset")) {
                if ("ForceOff".equals(resetType)) {
                    onForceOff.run();
                    if (!power.getAndSet("Off").equals("Off")) {
                        poweringOffLeft.set(poweringOffReads);
                    }
                    send(ex, 204, null);
                } else if ("On".equals(resetType)) {
                    power.set("On");
                    send(ex, 204, null);
                } else {
                    send(ex, 400, "{\"error\":{\"code\":\"Base.1.8.ActionParameterValueNotInList\"}}");
                }
            } else {
                send(ex, 404, "{\"error\":{\"code\":\"Base.1.8.ResourceMissingAtURI\"}}");
            }
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("OData-Version", "4.0");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
