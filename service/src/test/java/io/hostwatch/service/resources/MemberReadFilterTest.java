package io.hostwatch.service.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.State;
import io.hostwatch.schema.Verdict;
import io.hostwatch.service.auth.Roles;
import io.hostwatch.service.nova.NovaStatus;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.VerdictStore;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link MemberReadFilter} answers a plain member read with exactly the bytes {@link GroupsResource}
 * sends, serves a new verdict once published, and leaves every other request to the resource.
 */
@Timeout(60)
@ExtendWith(DropwizardExtensionsSupport.class)
class MemberReadFilterTest {
    private static final ObjectMapper MAPPER = Json.configure(io.dropwizard.jackson.Jackson.newObjectMapper());
    private static final Map<MemberId, NovaStatus> NOVA = new ConcurrentHashMap<>();
    private static final TestingServer ZK;
    private static final CuratorFramework CLIENT;
    private static final ClusterView VIEW;
    private static final MemberId H1 = MemberId.of("compute", "h1");
    private static VerdictStore store;
    private static long epoch;

    static {
        try {
            System.setProperty("zookeeper.admin.enableServer", "false");
            ZK = new TestingServer(true);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        CLIENT = CuratorFrameworkFactory.newClient(ZK.getConnectString(), 10_000, 5_000, new RetryOneTime(100));
        VIEW = new ClusterView(CLIENT);
    }

    static final ResourceExtension RESOURCES = ResourceExtension.builder().setMapper(MAPPER)
            .addResource(new GroupsResource(VIEW, NOVA::get)).build();

    private final MemberReadFilter filter = new MemberReadFilter(VIEW, NOVA::get, MAPPER);

    @BeforeAll
    static void publish() {
        CLIENT.start();
        VIEW.start();
        assertThat(VIEW.awaitInitialized(10_000)).isTrue();
        store = new VerdictStore(CLIENT, Clock.systemUTC());
        epoch = store.acquireEpoch("leader");
        store.write(verdict(State.RUNNING), null, epoch);
        await().atMost(Duration.ofSeconds(10)).until(() -> VIEW.verdict(H1).isPresent());
    }

    @AfterAll
    static void stop() throws Exception {
        VIEW.close();
        CLIENT.close();
        ZK.close();
    }

    private static Verdict verdict(State s) {
        return new Verdict("compute", "h1", "192.0.2.1", s, "now " + s, Instant.parse("2026-01-01T00:00:00Z"),
                s == State.DEAD, null, "inc", epoch, null, Instant.parse("2026-01-01T00:00:01Z"));
    }

    private static String resource(String path) {
        return RESOURCES.target(path).request().get(String.class);
    }

    @Test
    void sameBytesAsTheResourceAndANewVerdictReplacesThem() {
        String path = "/v1/groups/compute/members/h1";
        byte[] first = filter.answer(request("GET", path, null, Set.of(Roles.READER)));
        assertThat(first).isNotNull();
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(resource(path));
        assertThat(filter.answer(request("GET", path, "application/json", Set.of(Roles.READER)))).isSameAs(first);

        store.write(verdict(State.SUSPECT), VIEW.verdict(H1).orElseThrow(), epoch);
        await().atMost(Duration.ofSeconds(10)).until(() -> VIEW.verdict(H1).orElseThrow().state() == State.SUSPECT);
        byte[] second = filter.answer(request("GET", path, "*/*", Set.of(Roles.READER)));
        assertThat(new String(second, StandardCharsets.UTF_8)).contains("\"SUSPECT\"").isEqualTo(resource(path));
    }

    @Test
    void everythingElseGoesToTheResource() {
        Set<String> reader = Set.of(Roles.READER);
        assertThat(filter.answer(request("POST", "/v1/groups/compute/members/h1", null, reader))).isNull();
        assertThat(filter.answer(request("HEAD", "/v1/groups/compute/members/h1", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/h1", "text/plain", reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/h1", null, Set.of()))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/nobody", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/Bad_name", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/h%31", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/h1/", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members/h1/history", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/compute/members", null, reader))).isNull();
        assertThat(filter.answer(request("GET", "/v1/groups/a/b/members/h1", null, reader))).isNull();
    }

    @Test
    void novaStateIsPartOfTheBody() {
        String path = "/v1/groups/compute/members/h1";
        NOVA.put(H1, NovaStatus.NONE);
        try {
            byte[] none = filter.answer(request("GET", path, null, Set.of(Roles.READER)));
            assertThat(new String(none, StandardCharsets.UTF_8)).contains("\"nova\"").isEqualTo(resource(path));
            NOVA.put(H1, new NovaStatus("requested", null, null, null, "inc", 1, null, null, null, null, null, null,
                    null));
            byte[] requested = filter.answer(request("GET", path, null, Set.of(Roles.READER)));
            assertThat(new String(requested, StandardCharsets.UTF_8)).contains("requested").isEqualTo(resource(path));
        } finally {
            NOVA.clear();
        }
        assertThat(new String(filter.answer(request("GET", path, null, Set.of(Roles.READER))),
                StandardCharsets.UTF_8)).doesNotContain("\"nova\"").isEqualTo(resource(path));
    }

    private static HttpServletRequest request(String method, String uri, String accept, Set<String> roles) {
        Principal principal = () -> "tester";
        return (HttpServletRequest) Proxy.newProxyInstance(MemberReadFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> uri;
                    case "getContextPath" -> "";
                    case "getHeader" -> "Accept".equals(args[0]) ? accept : null;
                    case "getUserPrincipal" -> principal;
                    case "isUserInRole" -> roles.contains((String) args[0]);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
