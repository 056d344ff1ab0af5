package io.hostwatch.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build, as written into {@code io/hostwatch/client/version.properties} by Maven. */
public final class HostwatchVersion {
    private static final String VERSION = load();

    private HostwatchVersion() {
    }

    /** This build's version, or {@code unknown} when the classes were not built by Maven. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = HostwatchVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            String version = props.getProperty("version", "");
            return version.isBlank() || version.startsWith("${") ? "unknown" : version.strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build version", e);
        }
    }
}
