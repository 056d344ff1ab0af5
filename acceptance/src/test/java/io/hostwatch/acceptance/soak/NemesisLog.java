package io.hostwatch.acceptance.soak;

import io.hostwatch.schema.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The nemesis' own record of what it did to whom and when: kept in memory and appended, one JSON
 * object a line, to a file as it happens, so that a run that dies still leaves its log.
 */
final class NemesisLog {
    private final Path file;
    private final List<NemesisEvent> events = new ArrayList<>();

    NemesisLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "");
    }

    synchronized void add(NemesisEvent e) {
        events.add(e);
        System.out.println("[soak] " + e);
        try {
            Files.writeString(file, new String(Json.write(e), StandardCharsets.UTF_8) + "\n", StandardOpenOption.APPEND);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    synchronized List<NemesisEvent> events() {
        return List.copyOf(events);
    }

    /** Reads a log written by {@link #add}. */
    static List<NemesisEvent> read(Path file) throws IOException {
        List<NemesisEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                out.add(Json.read(line.getBytes(StandardCharsets.UTF_8), NemesisEvent.class));
            }
        }
        return out;
    }
}
