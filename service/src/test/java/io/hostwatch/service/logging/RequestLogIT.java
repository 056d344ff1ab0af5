package io.hostwatch.service.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.schema.Printable;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with a file request log (Dropwizard's {@code server.requestLog}) next to an
 * application log whose format uses {@code %t} and {@code %m}, words the request log's layout
 * reads as the time and the request method: each request gets its own line in the request log
 * while the service runs, its header text escaped, and the application log keeps thread names.
 */
@Timeout(90)
class RequestLogIT {
    @TempDir
    Path dir;

    @Test
    void everyRequestWritesOneLine() throws Exception {
        Path requests = dir.resolve("requests.log");
        Path app = dir.resolve("hostwatch.log");
        try (TestingServer zk = new TestingServer(true)) {
            String yaml = """
                    server:
                      applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                      adminConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                      requestLog:
                        appenders: [{type: file, currentLogFilename: "%s", archive: false}]
                    logging:
                      appenders: [{type: file, currentLogFilename: "%s", archive: false, logFormat: "%%-5level [%%t] %%logger: %%m%%n"}]
                    zookeeper: {connectString: "%s", sessionTimeout: 6s}
                    storage: {root: "%s"}
                    """.formatted(requests, app, zk.getConnectString(), Files.createDirectories(dir.resolve("s")));
            DropwizardTestSupport<HostwatchConfiguration> service = new DropwizardTestSupport<>(
                    HostwatchApplication.class, Files.writeString(dir.resolve("hw.yml"), yaml).toString());
            service.before();
            try {
                int port = service.getLocalPort();
                assertThat(send(port, "GET /v1/detector HTTP/1.1\r\nHost: x\r\nUser-Agent: first\r\n"
                        + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 200");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lines(requests))
                        .singleElement().asString()
                        .matches("127\\.0\\.0\\.1 - - \\[[^]]+\\] \"GET /v1/detector HTTP/1\\.1\" 200 \\d+ \"-\" \"first\" \\d+"));
                // a tab is a legal header character, and no control character of a log line
                assertThat(send(port, "GET /v1/groups/none/members HTTP/1.1\r\nHost: x\r\nUser-Agent: sec\tond\r\n"
                        + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 ");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(lines(requests)).hasSize(2)
                        .last().asString().contains("\"GET /v1/groups/none/members HTTP/1.1\"", "\"sec\\tond\""));
                assertThat(lines(requests)).noneMatch(l -> l.chars().anyMatch(c -> Printable.isControl((char) c)));
            } finally {
                service.after();
            }
        }
        // the application log's %t is still the thread (the one that started the service) and %m the message
        assertThat(Files.readString(app))
                .contains("INFO  [" + Thread.currentThread().getName() + "] org.eclipse.jetty.server.Server: Started");
    }

    private static List<String> lines(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
    }

    private static String send(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
