package io.hostwatch.service.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.MemberId;
import io.hostwatch.service.nova.SecretSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BmcTargets} and {@link FencingConfiguration#problems()}: resolution and validation of every input. */
@Timeout(10)
class BmcTargetsTest {
    static BmcConfiguration ipmiGroup() {
        BmcConfiguration g = new BmcConfiguration();
        g.method = "ipmi";
        g.address = "{host}-ipmi.mgmt.example.com";
        g.username = "fence";
        g.password = SecretSource.ofEnv("BMC_PASSWORD");
        return g;
    }

    static FencingConfiguration config(String group, BmcConfiguration g) {
        FencingConfiguration c = new FencingConfiguration();
        c.groups.put(group, g);
        return c;
    }

    @Test
    void aTemplateResolvesPerHostAndAHostEntryWins() {
        BmcConfiguration g = ipmiGroup();
        BmcConfiguration node7 = new BmcConfiguration();
        node7.address = "10.20.0.7";
        node7.port = 6230;
        g.hosts.put("node7", node7);
        FencingConfiguration c = config("compute", g);
        assertThat(c.problems()).isEmpty();
        BmcTargets t = new BmcTargets(c);
        assertThat(t.fenced(MemberId.of("compute", "node1"))).isTrue();
        assertThat(t.fenced(MemberId.of("other", "node1"))).isFalse();
        assertThat(t.resolve(MemberId.of("other", "node1"))).isEmpty();
        assertThat(t.resolve(MemberId.of("compute", "node1")).orElseThrow().bmc().target())
                .isEqualTo("node1-ipmi.mgmt.example.com:623");
        assertThat(t.resolve(MemberId.of("compute", "node7")).orElseThrow().bmc().target())
                .isEqualTo("10.20.0.7:6230");
    }

    @Test
    void aFencedHostWithoutAnAddressIsAProblemNotAnUnfencedHost() {
        BmcConfiguration g = ipmiGroup();
        g.address = null;
        BmcConfiguration node7 = new BmcConfiguration();
        node7.address = "10.20.0.7";
        g.hosts.put("node7", node7);
        FencingConfiguration c = config("compute", g);
        assertThat(c.problems()).isEmpty();
        BmcTargets t = new BmcTargets(c);
        BmcTargets.Target other = t.resolve(MemberId.of("compute", "node8")).orElseThrow();
        assertThat(t.fenced(MemberId.of("compute", "node8"))).isTrue();
        assertThat(other.bmc()).isNull();
        assertThat(other.problem()).contains("address must be a host name or an IP address");
    }

    @Test
    void badInputIsNamed() {
        BmcConfiguration g = ipmiGroup();
        g.address = "bmc;rm -rf /";
        g.port = 70000;
        g.username = "user with space";
        g.privilege = "USER";
        g.cipherSuite = 0;
        g.password = new SecretSource();
        assertThat(String.join("\n", config("compute", g).problems()))
                .contains("address must be a host name").contains("port must be 1 to 65535")
                .contains("username must be").contains("privilege must be OPERATOR or ADMINISTRATOR")
                .contains("cipherSuite must be 1 to 17").contains("password needs exactly one");
        assertThat(config("Not_A_Group", ipmiGroup()).problems()).anyMatch(p -> p.contains("not a valid group name"));
        BmcConfiguration bad = ipmiGroup();
        bad.hosts.put("../etc", new BmcConfiguration());
        assertThat(config("compute", bad).problems()).anyMatch(p -> p.contains("not a valid host name"));
        BmcConfiguration method = ipmiGroup();
        method.method = "ssh";
        assertThat(config("compute", method).problems()).anyMatch(p -> p.contains("method must be ipmi or redfish"));
    }

    @Test
    void redfishUrlsAreCheckedAndCredentialsNeverInThem() {
        BmcConfiguration r = new BmcConfiguration();
        r.method = "redfish";
        r.url = "https://{host}-bmc.mgmt.example.com";
        r.username = "fence";
        r.password = SecretSource.ofFile(Path.of("/etc/hostwatch/bmc"));
        assertThat(config("compute", r).problems()).isEmpty();
        r.url = "https://admin:pw@bmc.example.com";
        assertThat(config("compute", r).problems()).anyMatch(p -> p.contains("no credentials"));
        r.url = "ftp://bmc";
        assertThat(config("compute", r).problems()).anyMatch(p -> p.contains("must be http(s)"));
        r.url = "https://bmc.example.com/redfish/v1?x=1";
        assertThat(config("compute", r).problems()).anyMatch(p -> p.contains("scheme://host[:port] only"));
        r.url = "https://bmc.example.com";
        r.systemId = "../Managers";
        r.caFile = "/nonexistent/ca.pem";
        assertThat(String.join("\n", config("compute", r).problems())).contains("systemId must be")
                .contains("caFile /nonexistent/ca.pem is not a readable file");
        r.systemId = null;
        r.caFile = null;
        r.address = "10.0.0.1";
        assertThat(config("compute", r).problems()).anyMatch(p -> p.contains("belong to method ipmi"));
    }

    @Test
    void nothingConfiguredMeansNothingFenced() {
        FencingConfiguration c = new FencingConfiguration();
        assertThat(c.enabled()).isFalse();
        assertThat(c.problems()).isEmpty();
        assertThat(new BmcTargets(c).fenced(MemberId.of("compute", "node1"))).isFalse();
    }
}
