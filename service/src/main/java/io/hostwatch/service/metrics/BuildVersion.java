package io.hostwatch.service.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The service's version, from the Maven properties inside its jar ("unknown" when run from classes). */
public final class BuildVersion {
    private static final String POM_PROPERTIES = "/META-INF/maven/io.hostwatch/hostwatch-service/pom.properties";

    private BuildVersion() {
    }

    public static String get() {
        try (InputStream in = BuildVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
