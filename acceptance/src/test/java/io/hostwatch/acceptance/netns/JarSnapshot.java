package io.hostwatch.acceptance.netns;

import static org.awaitility.Awaitility.await;

import io.hostwatch.acceptance.harness.ChildJvm;
import io.hostwatch.acceptance.harness.Cluster;
import io.hostwatch.acceptance.harness.Rest;
import io.hostwatch.acceptance.harness.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Set-up shared by the network-namespace suites. Above all: runs a suite's agents and service from
 * copies of the jars taken when it starts, so that a rebuild
 * of the modules while the suite runs cannot change (or truncate) a jar under a running JVM.
 * {@link #close()} points the jar properties back at the originals.
 */
public final class JarSnapshot implements AutoCloseable {
    private final Map<String, String> originals = new LinkedHashMap<>();

    private JarSnapshot() {
    }

    /** Copies both jars under {@code target/<suite>/jars} and points the jar properties at the copies. */
    public static JarSnapshot take(String suite) throws IOException {
        JarSnapshot snapshot = new JarSnapshot();
        Path dir = Path.of("target", suite, "jars").toAbsolutePath();
        Files.createDirectories(dir);
        for (String property : List.of("hostwatch.clientJar", "hostwatch.serviceJar")) {
            Path original = ChildJvm.jar(property);
            Path copy = dir.resolve(original.getFileName());
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            snapshot.originals.put(property, System.getProperty(property));
            System.setProperty(property, copy.toString());
        }
        return snapshot;
    }

    /** Waits until the service leads and judges (its grace after taking the epoch has passed). */
    public static void awaitJudging(ServiceProcess service, Duration session) {
        Cluster.awaitLeader(service);
        await("detector judging").atMost(session.plusSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> Rest.json(service.url() + "/v1/detector").path("judging").asBoolean());
    }

    /** Makes {@code dir} an empty directory: a suite's storage starts with no slot of an earlier run. */
    public static void emptyDir(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.createDirectories(dir);
    }

    @Override
    public void close() {
        originals.forEach(System::setProperty);
    }
}
