package io.hostwatch.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code agent --ready-file}: a file that exists exactly while the agent is registered, for scripts
 * ({@code until [ -e ready ]; do sleep 1; done}). Written atomically (a temporary file renamed), so a
 * script never reads it half written.
 */
class ReadyFile {
    static final ReadyFile NONE = new ReadyFile(null);
    private static final Logger log = LoggerFactory.getLogger(ReadyFile.class);

    private final Path path;

    ReadyFile(Path path) {
        this.path = path;
    }

    /** Writes {@code content} and a newline. A failure is logged: the agent itself is fine. */
    void write(String content) {
        if (path == null) {
            return;
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("ready file {} written", path);
        } catch (IOException e) {
            log.error("cannot write ready file {}: {}", path, e.toString());
        }
    }

    /** Removes the file if it exists. */
    void remove() {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot remove ready file {}: {}", path, e.toString());
        }
    }
}
