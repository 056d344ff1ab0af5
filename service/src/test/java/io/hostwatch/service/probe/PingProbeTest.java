package io.hostwatch.service.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostwatch.schema.Evidence;
import io.hostwatch.schema.SignalStatus;
import io.hostwatch.service.testing.BlackholePort;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ping probe on loopback: which method answered, ICMP not preempted by TCP, ICMP required, and
 * many probes at once on the probe's one thread.
 */
@Timeout(60)
class PingProbeTest {
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort(); // closed when this returns: a connection is refused at once
        }
    }

    private static void requireRawSockets() {
        if (PingProbe.hasRawSocketCapability()) {
            return;
        }
        String why = "needs CAP_NET_RAW (root) to send ICMP echo";
        if ("true".equals(System.getenv("CI"))) {
            fail(why + ", and CI=true");
        }
        assumeTrue(false, why);
    }

    @Test
    void evidenceSaysTheTcpRefusalAnswered() throws Exception {
        try (PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(closedPort()), PingProbe.IcmpMode.NEVER, 2,
                Clock.systemUTC())) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.OK);
            assertThat(p.method()).startsWith("tcp:");
            assertThat(p.detail()).contains("refused");
        }
    }

    @Test
    void silentPortWithoutIcmpFails() throws Exception {
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(500), List.of(silent.port()), PingProbe.IcmpMode.NEVER, 2,
                     Clock.systemUTC())) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.FAIL);
            assertThat(p.detail()).contains("no answer on tcp");
        }
    }

    @Test
    void requiringIcmpWithoutIcmpIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new PingProbe(Duration.ofMillis(500), List.of(22), PingProbe.IcmpMode.NEVER, 2,
                Clock.systemUTC(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requireIcmp");
    }

    @Test
    void aPortThatIsNotATcpPortIsRefusedAtStartUp() {
        for (int bad : new int[] {0, -1, 65536}) {
            assertThatThrownBy(() -> new PingProbe(Duration.ofMillis(500), List.of(22, bad), PingProbe.IcmpMode.NEVER,
                    2, Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ping port " + bad + " is not a TCP port");
        }
    }

    @Test
    void aTcpResetDoesNotCountWhenIcmpIsRequiredAndTheEchoDecides() throws Exception {
        requireRawSockets();
        try (PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(closedPort()), PingProbe.IcmpMode.ALWAYS,
                2, Clock.systemUTC(), true)) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.OK);
            assertThat(p.method()).isEqualTo("icmp");
            assertThat(p.detail()).isEqualTo("echo reply");
        }
    }

    @Test
    void theEchoIsSentAtOnceNotAfterTheTcpAttempt() throws Exception {
        requireRawSockets();
        // TCP never answers; the echo must not wait for a TCP window first
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(silent.port()), PingProbe.IcmpMode.ALWAYS,
                     2, Clock.systemUTC())) {
            Evidence.Ping p = ping.probeNow("127.0.0.1");
            assertThat(p.status()).isEqualTo(SignalStatus.Ping.OK);
            assertThat(p.method()).isEqualTo("icmp");
            assertThat(p.rttMicros()).as("answered by the echo, not after a 100 ms TCP window").isLessThan(100_000);
        }
    }

    private static long pingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("hostwatch-ping"))
                .count();
    }

    @Test
    void manySilentHostsAreProbedAtOnceOnOneThread() throws Exception {
        long before = pingThreads();
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(700), List.of(silent.port()), PingProbe.IcmpMode.NEVER,
                     512, Clock.systemUTC())) {
            long start = System.nanoTime();
            List<CompletableFuture<Evidence.Ping>> probes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                probes.add(ping.probe("127.0.0.1"));
            }
            assertThat(pingThreads() - before).as("threads of this probe while 300 are in flight").isEqualTo(1);
            assertThat(ping.inFlight()).isPositive();
            for (CompletableFuture<Evidence.Ping> p : probes) {
                Evidence.Ping e = p.get(30, TimeUnit.SECONDS);
                assertThat(e.status()).isEqualTo(SignalStatus.Ping.FAIL);
                assertThat(e.method()).isEqualTo("tcp");
                assertThat(e.detail()).contains("no answer on tcp [" + silent.port() + "] within 700 ms");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("none failed before its deadline")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(700));
            assertThat(ping.inFlight()).isZero();
        }
    }

    @Test
    void interleavedProbesKeepTheirOwnAnswers() throws Exception {
        // The silent listener is bound to 127.0.0.1 only: the same port on 127.0.0.2 is refused at once.
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(1500), List.of(silent.port()), PingProbe.IcmpMode.NEVER,
                     512, Clock.systemUTC())) {
            List<CompletableFuture<Evidence.Ping>> probes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                probes.add(ping.probe(i % 2 == 0 ? "127.0.0.1" : "127.0.0.2"));
            }
            for (int i = 0; i < probes.size(); i++) {
                Evidence.Ping e = probes.get(i).get(30, TimeUnit.SECONDS);
                if (i % 2 == 0) {
                    assertThat(e.status()).as("probe %d of the silent address", i).isEqualTo(SignalStatus.Ping.FAIL);
                } else {
                    assertThat(e.status()).as("probe %d of the refusing address", i).isEqualTo(SignalStatus.Ping.OK);
                    assertThat(e.method()).isEqualTo("tcp:" + silent.port());
                    assertThat(e.detail()).contains("refused");
                    assertThat(e.rttMicros()).as("answered before the silent ones' deadline").isLessThan(1_500_000);
                }
            }
        }
    }

    @Test
    void aProbeBeyondTheBoundIsRefusedAtOnceAndItsPlaceComesBack() throws Exception {
        try (BlackholePort silent = new BlackholePort();
             PingProbe ping = new PingProbe(Duration.ofMillis(500), List.of(silent.port()), PingProbe.IcmpMode.NEVER, 2,
                     Clock.systemUTC())) {
            CompletableFuture<Evidence.Ping> first = ping.probe("127.0.0.1");
            CompletableFuture<Evidence.Ping> second = ping.probe("127.0.0.1");
            Evidence.Ping third = ping.probe("127.0.0.1").getNow(null);
            assertThat(third).as("refused without waiting").isNotNull();
            assertThat(third.status()).isEqualTo(SignalStatus.Ping.UNKNOWN);
            assertThat(third.detail()).contains("2 probes already in flight");
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(SignalStatus.Ping.FAIL);
            assertThat(second.get(30, TimeUnit.SECONDS).status()).isEqualTo(SignalStatus.Ping.FAIL);
            assertThat(ping.probeNow("127.0.0.1").status()).as("run once the others ended")
                    .isEqualTo(SignalStatus.Ping.FAIL);
        }
    }

    @Test
    void closingEndsTheProbesInFlight() throws Exception {
        try (BlackholePort silent = new BlackholePort()) {
            PingProbe ping = new PingProbe(Duration.ofSeconds(60), List.of(silent.port()), PingProbe.IcmpMode.NEVER, 4,
                    Clock.systemUTC());
            CompletableFuture<Evidence.Ping> inFlight = ping.probe("127.0.0.1");
            ping.close();
            Evidence.Ping ended = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(ended.status()).isEqualTo(SignalStatus.Ping.UNKNOWN);
            assertThat(ended.detail()).contains("closed");
            Evidence.Ping after = ping.probe("127.0.0.1").get(10, TimeUnit.SECONDS);
            assertThat(after.status()).isEqualTo(SignalStatus.Ping.UNKNOWN);
            assertThat(after.detail()).contains("not run");
        }
    }

    @Test
    void namesAreLookedUpAndBadAddressesAreUnknown() throws Exception {
        try (PingProbe ping = new PingProbe(Duration.ofMillis(800), List.of(closedPort()), PingProbe.IcmpMode.NEVER, 4,
                Clock.systemUTC())) {
            assertThat(ping.probeNow("localhost").status()).isEqualTo(SignalStatus.Ping.OK);
            for (String bad : new String[] {"", "not an address", "300.1.2.3.4"}) {
                Evidence.Ping p = ping.probeNow(bad);
                assertThat(p.status()).as("'%s'", bad).isEqualTo(SignalStatus.Ping.UNKNOWN);
                assertThat(p.detail()).startsWith("bad address '" + bad + "'");
            }
            assertThat(ping.inFlight()).isZero();
        }
    }
}
