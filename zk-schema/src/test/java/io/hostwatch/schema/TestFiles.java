package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads golden fixtures from the test classpath and documents from the repository's {@code docs/}. */
final class TestFiles {
    private TestFiles() {
    }

    /** The bytes of {@code src/test/resources/fixtures/<name>}. */
    static byte[] fixture(String name) {
        String resource = "/fixtures/" + name;
        try (InputStream in = TestFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                return fail("golden fixture %s is missing from the test classpath", resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fixtureText(String name) {
        return new String(fixture(name), StandardCharsets.UTF_8);
    }

    /** The path of {@code docs/<name>}, resolved from the module directory surefire runs in. */
    static Path docPath(String name) {
        return Path.of(System.getProperty("user.dir")).resolve("../docs/" + name).normalize();
    }

    /** The text of {@code docs/<name>}; fails with the resolved path when the document is missing. */
    static String doc(String name) {
        Path path = docPath(name);
        if (!Files.isRegularFile(path)) {
            return fail("document %s not found (looked at %s; tests must run with the zk-schema module as the"
                    + " working directory)", "docs/" + name, path);
        }
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Source of a main class of this module, for tests that check a document against its Javadoc. */
    static String mainSource(Class<?> type) {
        Path path = Path.of(System.getProperty("user.dir"))
                .resolve("src/main/java/" + type.getName().replace('.', '/') + ".java");
        if (!Files.isRegularFile(path)) {
            return fail("source of %s not found at %s", type.getName(), path);
        }
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
