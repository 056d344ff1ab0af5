package io.hostwatch.client.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The agent's and the CLI's own {@code logback.xml}, as shipped in the jar: a hostile value in a
 * message or a thread name comes out on stderr as one line with its control characters escaped.
 */
@Timeout(20)
class ClientLogEscapingTest {
    @Test
    void aHostileValueIsOneEscapedLineOnStderr() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String name = Thread.currentThread().getName();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            context.reset();
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(getClass().getResource("/logback.xml"));
            Thread.currentThread().setName("agent\r\nINFO forged");
            LoggerFactory.getLogger("hostwatch.test").warn("registration of {} refused", "h1\nINFO  Agent: forged \u001b[2J");
        } finally {
            Thread.currentThread().setName(name);
            System.setErr(err);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .contains("WARN  [agent\\r\\nINFO forged] test: registration of h1\\nINFO  Agent: forged \\u001b[2J")
                .doesNotContain("\u001b", "\r");
    }
}
