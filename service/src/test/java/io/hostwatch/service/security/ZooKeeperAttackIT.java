package io.hostwatch.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.EpochRecord;
import io.hostwatch.schema.Json;
import io.hostwatch.schema.Maintenance;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.ZkPaths;
import io.hostwatch.service.testing.FreePorts;
import io.hostwatch.service.testing.TestPki;
import io.hostwatch.service.zk.CuratorLifecycle;
import io.hostwatch.service.zk.EmbeddedZooKeeper;
import io.hostwatch.service.zk.EnrollmentStore;
import io.hostwatch.service.zk.ZkAcls;
import io.hostwatch.service.zk.ZkTree;
import io.hostwatch.service.zk.ZooKeeperTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of a compromised compute host, tried against the real embedded ZooKeeper in
 * protected mode (TLS, x509 identities, enforced authentication, hostwatch's ACLs). The attacker
 * holds a valid certificate of its own host: every write outside its own heartbeat is refused
 * with NoAuth and leaves the tree exactly as it was; a client without a certificate, and a
 * plain-text client, never get a session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class ZooKeeperAttackIT {
    private static final MemberId VICTIM = MemberId.of("compute", "victim");
    private static final MemberId ATTACKER = MemberId.of("compute", "attacker");
    private static final MemberId UNENROLLED = MemberId.of("compute", "squatter");

    private static final List<ACL> HEARTBEAT_ACL = new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL,
            ZooDefs.Ids.AUTH_IDS), new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

    @TempDir
    static Path dir;

    private TestPki pki;
    private EmbeddedZooKeeper zk;
    private CuratorLifecycle service;
    private CuratorFramework victim;
    private CuratorFramework attacker;
    private final List<CuratorFramework> others = new ArrayList<>();

    @BeforeAll
    void ensemble() throws Exception {
        pki = TestPki.get(VICTIM.host(), ATTACKER.host());
        zk = new EmbeddedZooKeeper(dir.resolve("zk"), "127.0.0.1", FreePorts.next(), 500)
                .tls(pki.zookeeper(), pki.truststore(), TestPki.PASSWORD);
        zk.start();
        ZooKeeperTls serviceTls = new ZooKeeperTls(pki.service(), pki.truststore(), TestPki.PASSWORD);
        ZkAcls acls = new ZkAcls(serviceTls.subject(), "CN={host},OU=hosts,O=hostwatch");
        service = new CuratorLifecycle(zk.connectString(), Duration.ofSeconds(6), Duration.ofSeconds(3),
                serviceTls.clientConfig(), acls);
        service.start();
        CuratorFramework s = service.client();
        assertThat(s.blockUntilConnected(30, TimeUnit.SECONDS)).as("service connects over TLS").isTrue();
        ZkTree.secure(s, acls);
        EnrollmentStore enrollments = new EnrollmentStore(s, acls);
        assertThat(enrollments.enroll(VICTIM)).isTrue();
        assertThat(enrollments.enroll(ATTACKER)).isTrue();
        assertThat(enrollments.enroll(ATTACKER)).as("enrollment is idempotent").isFalse();

        // What the leader and operators wrote, as the service identity.
        s.create().withMode(CreateMode.PERSISTENT).forPath(ZkPaths.EPOCH,
                Json.write(new EpochRecord(1, "leader-1", Instant.now())));
        s.setData().forPath(ZkPaths.EPOCH, Json.write(new EpochRecord(1, "leader-1", Instant.now())));
        s.create().creatingParentsIfNeeded().forPath(ZkPaths.verdict(VICTIM), "{\"state\":\"RUNNING\"}"
                .getBytes(StandardCharsets.UTF_8));
        s.create().creatingParentsIfNeeded().forPath(ZkPaths.historyEntryPrefix(VICTIM) + "0000000001",
                "{}".getBytes(StandardCharsets.UTF_8));
        s.create().forPath(ZkPaths.brake("compute"), Json.write(new BrakeRecord("compute", true, Instant.now(), 3,
                4, "3 of 4 lost", null)));
        s.create().creatingParentsIfNeeded().forPath(ZkPaths.nova(VICTIM), "{}".getBytes(StandardCharsets.UTF_8));

        victim = client(tls(pki.host(VICTIM.host())), true);
        victim.create().withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.heartbeat(VICTIM), Json.write(
                registration(VICTIM, "192.0.2.10")));
        attacker = client(tls(pki.host(ATTACKER.host())), true);
        assertThat(attacker.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
    }

    @AfterAll
    void close() {
        others.forEach(CuratorFramework::close);
        if (service != null) {
            service.stop();
        }
        if (zk != null) {
            zk.stop();
        }
    }

    @Test
    void aHostCertificateCannotWriteAnythingButItsOwnHeartbeat() throws Exception {
        Map<String, Snapshot> before = snapshot();
        byte[] forged = "{\"state\":\"DEAD\",\"actionable\":true}".getBytes(StandardCharsets.UTF_8);
        byte[] hijacked = Json.write(registration(VICTIM, "192.0.2.99").withLeaving(true));

        Map<String, ThrowingCall> attacks = new LinkedHashMap<>();
        attacks.put("overwrite the victim's verdict", () -> attacker.setData().forPath(ZkPaths.verdict(VICTIM),
                forged));
        attacks.put("delete the victim's verdict", () -> attacker.delete().forPath(ZkPaths.verdict(VICTIM)));
        attacks.put("plant a verdict for another host", () -> attacker.create().forPath(
                ZkPaths.verdictGroup("compute") + "/other", forged));
        attacks.put("write a history entry", () -> attacker.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZkPaths.historyEntryPrefix(VICTIM), forged));
        attacks.put("mark the victim leaving / change its address", () -> attacker.setData()
                .forPath(ZkPaths.heartbeat(VICTIM), hijacked));
        attacks.put("delete the victim's heartbeat", () -> attacker.delete().forPath(ZkPaths.heartbeat(VICTIM)));
        attacks.put("create a node under the victim's enrollment", () -> attacker.create()
                .withMode(CreateMode.EPHEMERAL).forPath(ZkPaths.member(VICTIM) + "/x", hijacked));
        attacks.put("delete the victim's enrollment", () -> attacker.delete().forPath(ZkPaths.member(VICTIM)));
        attacks.put("squat an unenrolled host name", () -> attacker.create().forPath(ZkPaths.member(UNENROLLED)));
        attacks.put("enroll a group", () -> attacker.create().forPath(ZkPaths.memberGroup("other")));
        attacks.put("bump the epoch", () -> attacker.setData().forPath(ZkPaths.EPOCH,
                Json.write(new EpochRecord(99, "attacker", Instant.now()))));
        attacks.put("release the brake by deleting it", () -> attacker.delete().forPath(ZkPaths.brake("compute")));
        attacks.put("release the brake by rewriting it", () -> attacker.setData().forPath(ZkPaths.brake("compute"),
                Json.write(new BrakeRecord("compute", false, Instant.now(), 0, 4, "forged", Instant.now()))));
        attacks.put("put a host in maintenance", () -> attacker.create().creatingParentsIfNeeded()
                .forPath(ZkPaths.maintenance(VICTIM), Json.write(new Maintenance("compute", "victim", "x",
                        Instant.now(), null))));
        attacks.put("write a PENDING Nova action", () -> attacker.setData().forPath(ZkPaths.nova(VICTIM),
                "{\"status\":\"PENDING\",\"novaHost\":\"other\"}".getBytes(StandardCharsets.UTF_8)));
        attacks.put("open the root's ACL", () -> attacker.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE)
                .forPath(ZkPaths.ROOT));
        attacks.put("open the victim's enrollment ACL", () -> attacker.setACL()
                .withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(ZkPaths.member(VICTIM)));

        for (Map.Entry<String, ThrowingCall> attack : attacks.entrySet()) {
            assertThatThrownBy(attack.getValue()::call).as(attack.getKey())
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
        assertThat(snapshot()).as("nothing changed").isEqualTo(before);
    }

    @Test
    void aHostHoldsItsOwnHeartbeatAndNoOneElseCanTouchIt() throws Exception {
        String own = ZkPaths.heartbeat(ATTACKER);
        attacker.create().withMode(CreateMode.EPHEMERAL).forPath(own, Json.write(registration(ATTACKER,
                "192.0.2.20")));
        attacker.setData().forPath(own, Json.write(registration(ATTACKER, "192.0.2.20").withLeaving(true)));
        List<ACL> acl = attacker.getACL().forPath(own);
        assertThat(acl).contains(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))
                .contains(new ACL(ZooDefs.Perms.ALL, new org.apache.zookeeper.data.Id("x509",
                        "CN=attacker,OU=hosts,O=hostwatch")));
        assertThatThrownBy(() -> victim.setData().forPath(own, new byte[] {1}))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> victim.delete().forPath(own)).isInstanceOf(KeeperException.NoAuthException.class);
        attacker.delete().forPath(own);
        assertThat(attacker.checkExists().forPath(own)).isNull();
    }

    @Test
    void theReaderReadsAndWritesNothing() throws Exception {
        CuratorFramework reader = client(tls(pki.reader()), true);
        assertThat(new String(reader.getData().forPath(ZkPaths.verdict(VICTIM)), StandardCharsets.UTF_8))
                .contains("RUNNING");
        assertThat(reader.getChildren().forPath(ZkPaths.memberGroup("compute"))).contains("victim", "attacker");
        assertThatThrownBy(() -> reader.setData().forPath(ZkPaths.verdict(VICTIM), new byte[] {1}))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> reader.create().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.heartbeat(VICTIM) + "2")).isInstanceOf(KeeperException.NoAuthException.class);
    }

    @Test
    void aClientWithoutCertificateGetsNoSession() throws Exception {
        ZKClientConfig anonymous = tls(pki.service());
        anonymous.setProperty("zookeeper.ssl.keyStore.location", "");
        anonymous.setProperty("zookeeper.ssl.keyStore.password", "");
        CuratorFramework c = client(anonymous, false);
        assertThat(c.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aPlainTextClientGetsNoSession() throws Exception {
        CuratorFramework c = client(ZooKeeperTls.plainClientConfig(), false);
        assertThat(c.blockUntilConnected(4, TimeUnit.SECONDS)).isFalse();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private record Snapshot(String data, long mzxid, long czxid, int aversion, int cversion) {
    }

    private Map<String, Snapshot> snapshot() throws Exception {
        Map<String, Snapshot> out = new LinkedHashMap<>();
        walk(ZkPaths.ROOT, out);
        return out;
    }

    private void walk(String path, Map<String, Snapshot> out) throws Exception {
        Stat stat = new Stat();
        byte[] data = service.client().getData().storingStatIn(stat).forPath(path);
        out.put(path, new Snapshot(data == null ? "" : new String(data, StandardCharsets.UTF_8), stat.getMzxid(),
                stat.getCzxid(), stat.getAversion(), stat.getCversion()));
        for (String child : service.client().getChildren().forPath(path)) {
            if (path.equals(ZkPaths.member(ATTACKER))) {
                continue; // the attacker's own heartbeat is its business (another test)
            }
            walk(path + "/" + child, out);
        }
    }

    private static MemberRegistration registration(MemberId id, String address) {
        return new MemberRegistration(id.group(), id.host(), address, UUID.randomUUID().toString(), Instant.now(),
                false, 1000, "test");
    }

    private ZKClientConfig tls(Path keyStore) {
        return new ZooKeeperTls(keyStore, pki.truststore(), TestPki.PASSWORD).clientConfig();
    }

    private CuratorFramework client(ZKClientConfig config, boolean mustConnect) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(zk.connectString())
                .sessionTimeoutMs(6000).connectionTimeoutMs(3000).retryPolicy(new RetryOneTime(200))
                .zkClientConfig(config)
                .aclProvider(new ACLProvider() { // what the agent gives its heartbeat
                    @Override
                    public List<ACL> getDefaultAcl() {
                        return HEARTBEAT_ACL;
                    }

                    @Override
                    public List<ACL> getAclForPath(String path) {
                        return HEARTBEAT_ACL;
                    }
                })
                .build();
        others.add(c);
        c.start();
        if (mustConnect) {
            assertThat(c.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
        }
        return c;
    }


    @FunctionalInterface
    private interface ThrowingCall {
        void call() throws Exception;
    }
}
