package io.hostwatch.service.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.service.probe.PingProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The storage canary lives in a directory every member can write: what is planted there is never followed. */
@Timeout(30)
class SelfCheckCanaryTest {
    @TempDir
    Path tmp;
    private Path root;
    private Path canary;
    private Path outside;
    private PingProbe ping;
    private SelfCheck selfCheck;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("storage");
        canary = root.resolve(".hostwatch").resolve("canary-test.hb");
        Files.createDirectories(canary.getParent());
        outside = tmp.resolve("precious.conf");
        Files.writeString(outside, "do not touch\n");
        ping = new PingProbe(Duration.ofMillis(200), List.of(22), PingProbe.IcmpMode.NEVER, 4, Clock.systemUTC());
        selfCheck = new SelfCheck(ping, List.of(), root, "test", Duration.ofSeconds(1), Duration.ofSeconds(5),
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        selfCheck.close();
        ping.close();
    }

    @Test
    void aSymlinkAtTheCanarysTemporaryNameIsRemovedNotFollowed() throws IOException {
        Files.createSymbolicLink(canary.resolveSibling("canary-test.hb.tmp"), outside);
        selfCheck.check();
        assertThat(Files.readString(outside)).isEqualTo("do not touch\n");
        assertThat(selfCheck.status().storage()).as(selfCheck.status().storageDetail()).isEqualTo("OK");
        assertThat(Files.isRegularFile(canary, LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aSymlinkAsTheCanaryIsReplacedNotFollowed() throws IOException {
        Files.createSymbolicLink(canary, outside);
        selfCheck.check();
        assertThat(Files.readString(outside)).isEqualTo("do not touch\n");
        assertThat(selfCheck.status().storage()).isEqualTo("OK");
    }

    @Test
    void aFifoAtTheCanarysTemporaryNameDoesNotBlock() throws Exception {
        Process p = new ProcessBuilder("mkfifo", canary.resolveSibling("canary-test.hb.tmp").toString())
                .inheritIO().start();
        assertThat(p.waitFor()).isZero();
        selfCheck.check();
        assertThat(selfCheck.status().storage()).as(selfCheck.status().storageDetail()).isEqualTo("OK");
    }
}
