package io.hostwatch.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's {@code --config} file: one {@code key: value} per line, keys named like the flags
 * without their dashes ({@code zk}, {@code session-timeout}, ...). It is the flat subset of YAML
 * the agent needs, read without a YAML library:
 *
 * <pre>
 * # hostwatch agent
 * zk: zk1:2181,zk2:2181
 * host: compute-17
 * address: 10.0.0.17
 * storage: /var/lib/nova/instances/hostwatch
 * session-timeout: 6s
 * health-command: "systemctl is-active --quiet nova-compute"
 * </pre>
 *
 * Blank lines, {@code #} comments and a {@code ---} line are skipped; a value may be quoted with
 * {@code "} or {@code '}; an unquoted value ends at {@code " #"}. Unknown and repeated keys are errors.
 */
final class AgentConfigFile {
    static final Set<String> KEYS = Set.of("zk", "group", "host", "address", "storage", "session-timeout",
            "connection-timeout", "storage-interval", "health-command", "pid-file", "health-interval",
            "health-failures", "registration-wait", "isolation-address", "fence-after", "isolation-response",
            "isolation-response-timeout", "ready-file", "zk-tls-keystore", "zk-tls-truststore",
            "zk-tls-password-file");

    private AgentConfigFile() {
    }

    /** Thrown for a file that is not in the format above; the message names the file and line. */
    static final class FormatException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FormatException(String message) {
            super(message);
        }
    }

    /**
     * @throws IOException when the file cannot be read
     * @throws FormatException when it is malformed
     */
    static Map<String, String> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String where = source + " line " + (i + 1);
            if (line.isEmpty() || line.startsWith("#") || line.equals("---")) {
                continue;
            }
            int colon = line.indexOf(':');
            int equals = line.indexOf('=');
            int sep = colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
            if (sep <= 0) {
                throw new FormatException(where + ": expected 'key: value'");
            }
            String key = line.substring(0, sep).strip();
            if (!KEYS.contains(key)) {
                throw new FormatException(where + ": unknown key '" + key + "' (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
            String value = value(line.substring(sep + 1).strip(), where);
            if (values.putIfAbsent(key, value) != null) {
                throw new FormatException(where + ": key '" + key + "' is given twice");
            }
        }
        return values;
    }

    private static String value(String raw, String where) {
        if (!raw.isEmpty() && (raw.charAt(0) == '"' || raw.charAt(0) == '\'')) {
            int end = raw.indexOf(raw.charAt(0), 1);
            if (end < 0) {
                throw new FormatException(where + ": unterminated quote");
            }
            String rest = raw.substring(end + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new FormatException(where + ": unexpected text after the quoted value");
            }
            return raw.substring(1, end);
        }
        int comment = raw.indexOf(" #");
        String value = (comment < 0 ? raw : raw.substring(0, comment)).strip();
        if (value.isEmpty()) {
            throw new FormatException(where + ": no value");
        }
        return value;
    }
}
