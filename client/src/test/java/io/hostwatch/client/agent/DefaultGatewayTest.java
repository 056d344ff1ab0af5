package io.hostwatch.client.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DefaultGatewayTest {

    @Test
    void readsDefaultRoutesLowestMetricFirstAndSkipsTheRest() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample table is little-endian");
        List<String> table = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "eth1\t00000000\t0164A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0",   // default via 192.168.100.1
                "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0",   // default via 192.0.2.1
                "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",     // on-link subnet
                "eth2\t00000000\t0A0A0A0A\t0002\t0\t0\t0\t00000000\t0\t0\t0",     // not up
                "eth3\t0000000A\t01000A0A\t0003\t0\t0\t0\t000000FF\t0\t0\t0",     // a gateway, not default
                "eth0\t00000000\t010200C0\t0003\t0\t0\t200\t00000000\t0\t0\t0",   // same gateway again
                "garbage line",
                "eth4\t00000000\tZZZZZZZZ\t0003\t0\t0\t0\t00000000\t0\t0\t0");
        assertThat(DefaultGateway.parse(table)).containsExactly(
                InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.168.100.1"));
    }

    @Test
    void noTableOrNoDefaultRouteMeansNoGateway() {
        assertThat(DefaultGateway.parse(List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT"))).isEmpty();
        assertThat(new DefaultGateway(Path.of("/nonexistent/route")).get()).isEmpty();
    }
}
