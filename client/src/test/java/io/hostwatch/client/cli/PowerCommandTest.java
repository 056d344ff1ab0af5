package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code hostwatch power} against a canned REST API: the BMC's answer printed on one line, and a
 * BMC that does not answer (the service's 502 with its JSON error) told apart from a service that
 * does not: one line naming the BMC, exit status 5, no stack trace.
 */
@Timeout(30)
class PowerCommandTest {
    private static final String PATH = "/v1/groups/compute/members/h1/power";
    private static final String OFF = "{\"group\":\"compute\",\"host\":\"h1\",\"method\":\"ipmi-lanplus\","
            + "\"bmc\":\"10.0.0.9:623\",\"power\":\"OFF\",\"answer\":\"Chassis Power is off\","
            + "\"fencing\":{\"status\":\"CONFIRMED\",\"incarnation\":\"inc-1\"}}";
    private static final String BMC_DOWN = "{\"code\":502,\"message\":\"no answer from the BMC at 10.0.0.9:623 "
            + "within 10000 ms (ipmitool killed)\"}";

    private StubService stub;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        stub = new StubService();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    private int run(String... args) {
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] withUrl = new String[args.length + 2];
        System.arraycopy(args, 0, withUrl, 0, args.length);
        withUrl[args.length] = "--url";
        withUrl[args.length + 1] = stub.url();
        return commandLine.execute(withUrl);
    }

    @Test
    void statusPrintsTheBmcsAnswerAndTheFencingRecord() {
        stub.answer("GET " + PATH, 200, OFF);
        assertThat(run("power", "compute", "h1", "status")).isZero();
        assertThat(out.toString()).isEqualTo("compute/h1: power OFF; BMC ipmi-lanplus 10.0.0.9:623 answered "
                + "'Chassis Power is off'; fencing CONFIRMED for incarnation inc-1" + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aBmcThatDoesNotAnswerIsExitFiveWithOneClearLine() {
        stub.answer("GET " + PATH, 502, BMC_DOWN).answer("POST " + PATH + "/on", 502, BMC_DOWN);
        for (String action : new String[] {"status", "on"}) {
            err.getBuffer().setLength(0);
            assertThat(run("power", "compute", "h1", action)).as(action).isEqualTo(5);
            assertThat(err.toString()).as(action).isEqualTo("hostwatch power: error: BMC unavailable for compute/h1: "
                    + "no answer from the BMC at 10.0.0.9:623 within 10000 ms (ipmitool killed) (the service "
                    + "answered 502; the host's power state is unknown)" + System.lineSeparator());
            assertThat(err.toString()).doesNotContain("Exception", "\tat ");
        }
        assertThat(out.toString()).isEmpty();
        assertThat(stub.requests).extracting(StubService.Request::method).containsExactly("GET", "POST");
    }

    @Test
    void aServiceThatIsUnavailableStaysExitThree() {
        // A proxy's 502 page (not the API's JSON error) and a 503 are the service's failure, not the BMC's.
        stub.answer("GET " + PATH, 502, "<html>\nBad Gateway\n</html>");
        assertThat(run("power", "compute", "h1", "status")).isEqualTo(3);
        assertThat(err.toString()).startsWith("hostwatch power: error: service at " + stub.url() + " is unavailable")
                .hasLineCount(1);
        err.getBuffer().setLength(0);
        stub.answer("GET " + PATH, 503, "{\"code\":503,\"message\":\"not ready\"}");
        assertThat(run("power", "compute", "h1", "status")).isEqualTo(3);
        assertThat(err.toString()).contains("is unavailable: not ready");
        err.getBuffer().setLength(0);
        String url = stub.url();
        stub.close();
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        assertThat(commandLine.execute("power", "compute", "h1", "status", "--url", url)).isEqualTo(3);
        assertThat(err.toString()).contains("service not reachable at " + url).hasLineCount(1);
    }

    @Test
    void aGroupWithoutFencingIsOneAndABadActionIsTwoWithNoRequest() {
        stub.answer("GET " + PATH, 409, "{\"code\":409,\"message\":\"group compute has no out-of-band fencing "
                + "configured (fencing.groups)\"}");
        assertThat(run("power", "compute", "h1", "status")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("hostwatch power: error: group compute has no out-of-band fencing "
                + "configured (fencing.groups)" + System.lineSeparator());
        err.getBuffer().setLength(0);
        assertThat(run("power", "compute", "h1", "off")).isEqualTo(2);
        assertThat(err.toString()).contains("action must be status or on, got 'off'");
        assertThat(stub.requests).hasSize(1);
    }

    @Test
    void helpListsTheBmcExitStatus() {
        CommandLine commandLine = HostwatchCli.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        assertThat(commandLine.execute("power", "--help")).isZero();
        assertThat(out.toString()).contains("Exit status:", "  5   BMC unavailable");
    }
}
