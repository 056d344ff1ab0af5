package io.hostwatch.service.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.DropwizardTestSupport;
import io.hostwatch.service.HostwatchApplication;
import io.hostwatch.service.HostwatchConfiguration;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with its log in a file, at DEBUG: hostile requests sent on a raw socket (a
 * forged line and ANSI escapes in headers, in the path and in a JSON body, which Jackson's error
 * and its stack trace repeat) leave no control character in any line, and no forged line.
 */
@Timeout(90)
class LogEscapingIT {
    @TempDir
    Path dir;

    @Test
    void hostileRequestsLeaveNoControlCharacterInAnyLog() throws Exception {
        Path app = dir.resolve("hostwatch.log");
        try (TestingServer zk = new TestingServer(true)) {
            String yaml = """
                    server:
                      applicationConnectors: [{type: http, port: 0, bindHost: 127.0.0.1}]
                      adminConnectors: [{type: http, port: 0}]
                    logging:
                      level: DEBUG
                      appenders: [{type: file, currentLogFilename: "%s", archive: false}]
                    zookeeper: {connectString: "%s", sessionTimeout: 6s}
                    storage: {root: "%s"}
                    """.formatted(app, zk.getConnectString(), Files.createDirectories(dir.resolve("s")));
            DropwizardTestSupport<HostwatchConfiguration> service = new DropwizardTestSupport<>(
                    HostwatchApplication.class, Files.writeString(dir.resolve("hw.yml"), yaml).toString());
            service.before();
            try {
                int port = service.getLocalPort();
                String body = "{\"reason\":\"ok\",\"expires_at\\u001b[2J\\nINFO forged\":1}";
                List<String> answers = List.of(
                        send(port, "GET /v1/groups/compute%0d%0aINFO%20forged/members HTTP/1.1\r\nHost: x\r\n"
                                + "User-Agent: evil\u001b[31m\r\nReferer: x\u0085y\r\nConnection: close\r\n\r\n"),
                        send(port, "PUT /v1/groups/compute/members/h1/maintenance HTTP/1.1\r\nHost: x\r\n"
                                + "Content-Type: application/json\r\nContent-Length: "
                                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body),
                        send(port, "GET /v1/groups/%1b%5b2J HTTP/1.1\r\nHost: x\r\nX-Auth-Token: a\u001bb\r\n"
                                + "Connection: close\r\n\r\n"));
                assertThat(answers).allSatisfy(a -> assertThat(a).startsWith("HTTP/1.1 4"));
            } finally {
                service.after(); // stops the appenders: everything is written
            }
        }
        // the stack trace keeps its lines, each prefixed with '!' (the forged one too), its ESC escaped
        assertThat(Files.readString(app)).contains("Unrecognized field \"expires_at\\u001b[2J\n! INFO forged\"");
        for (Path log : List.of(app)) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text.split("\n", -1)).as("lines of %s with a control character", log)
                    .filteredOn(l -> l.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f || c >= 0x80 && c < 0xa0))
                    .isEmpty();
            assertThat(text.lines().filter(l -> l.startsWith("INFO forged") || l.startsWith("INFO%20forged")))
                    .as("%s", log).isEmpty();
        }
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
