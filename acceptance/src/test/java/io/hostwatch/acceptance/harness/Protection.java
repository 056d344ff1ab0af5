package io.hostwatch.acceptance.harness;

import io.hostwatch.schema.MemberId;
import io.hostwatch.service.testing.TestPki;
import io.hostwatch.service.zk.CuratorLifecycle;
import io.hostwatch.service.zk.EnrollmentStore;
import io.hostwatch.service.zk.ZkAcls;
import io.hostwatch.service.zk.ZkTree;
import io.hostwatch.service.zk.ZooKeeperTls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.apache.zookeeper.server.auth.X509AuthenticationProvider;

/**
 * The one switch of protected mode for every end-to-end test: on (the default), every ZooKeeper
 * server this JVM starts serves TLS with x509 identities and enforced authentication, the service
 * speaks TLS with the service identity and its ACLs, every agent is enrolled first and speaks TLS
 * with its own host certificate, and {@code hostwatch watch} reads with the reader identity.
 * {@code -Dhostwatch.it.protected=false} runs the suite unprotected. Certificates are made at
 * test time by deploy/pki.sh ({@link TestPki}).
 */
public final class Protection {
    /** True unless {@code -Dhostwatch.it.protected=false}. */
    public static final boolean ON = !"false".equalsIgnoreCase(System.getProperty("hostwatch.it.protected"));
    private static final String HOST_IDENTITY = "CN={host},OU=hosts,O=hostwatch";
    private static boolean serversSecured;

    private Protection() {
    }

    /** True while protected mode applies: {@link #ON}. */
    public static boolean active() {
        return ON;
    }

    /**
     * Makes every ZooKeeper server this JVM starts from now on a protected one. Its client port
     * accepts TLS (port unification, so the usual connect string stays valid); a plain-text client
     * may connect but gets no request through ({@code enforce.auth.schemes=x509}).
     */
    public static synchronized void secureServers() {
        if (!active() || serversSecured) {
            return;
        }
        TestPki pki = TestPki.get();
        System.setProperty("zookeeper.serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        System.setProperty("zookeeper.client.portUnification", "true");
        System.setProperty("zookeeper.ssl.keyStore.location", pki.zookeeper().toString());
        System.setProperty("zookeeper.ssl.keyStore.password", TestPki.PASSWORD);
        System.setProperty("zookeeper.ssl.keyStore.type", "PKCS12");
        System.setProperty("zookeeper.ssl.trustStore.location", pki.truststore().toString());
        System.setProperty("zookeeper.ssl.trustStore.password", TestPki.PASSWORD);
        System.setProperty("zookeeper.ssl.trustStore.type", "PKCS12");
        System.setProperty("zookeeper.ssl.clientAuth", "need");
        System.setProperty("zookeeper.ssl.clientHostnameVerification", "false");
        System.setProperty("zookeeper.authProvider.x509", X509AuthenticationProvider.class.getName());
        System.setProperty("zookeeper.enforce.auth.enabled", "true");
        System.setProperty("zookeeper.enforce.auth.schemes", "x509");
        ProviderRegistry.reset();
        serversSecured = true;
    }

    /** {@code -Ddw.} settings giving a service process its identity; empty when off. */
    static List<String> serviceArgs() {
        if (!active()) {
            return List.of();
        }
        TestPki pki = TestPki.get();
        return List.of("-Ddw.zookeeper.tls.keyStore=" + pki.service(),
                "-Ddw.zookeeper.tls.trustStore=" + pki.truststore(),
                "-Ddw.zookeeper.tls.passwordFile=" + pki.passwordFile());
    }

    /**
     * Agent flags giving {@code host} its own identity, after enrolling it through {@code zk} as
     * an operator would; empty when off. Enrollment is skipped when ZooKeeper cannot be reached
     * (a test of an agent that must fail to connect).
     */
    static List<String> agentArgs(String zk, String group, String host) {
        if (!active()) {
            return List.of();
        }
        TestPki pki = TestPki.get(host);
        enroll(zk, MemberId.of(group, host));
        return List.of("--zk-tls-keystore", pki.host(host).toString(), "--zk-tls-truststore",
                pki.truststore().toString(), "--zk-tls-password-file", pki.passwordFile().toString());
    }

    /** {@code hostwatch watch} flags for the reader identity; empty when off. */
    public static List<String> readerArgs() {
        if (!active()) {
            return List.of();
        }
        TestPki pki = TestPki.get();
        return List.of("--zk-tls-keystore", pki.reader().toString(), "--zk-tls-truststore",
                pki.truststore().toString(), "--zk-tls-password-file", pki.passwordFile().toString());
    }

    /** A client configuration for reading ZooKeeper from the test JVM: the reader identity, or plain text when off. */
    public static ZKClientConfig readerClientConfig() {
        if (!active()) {
            return ZooKeeperTls.plainClientConfig();
        }
        TestPki pki = TestPki.get();
        return new ZooKeeperTls(pki.reader(), pki.truststore(), TestPki.PASSWORD).clientConfig();
    }

    private static void enroll(String zk, MemberId id) {
        TestPki pki = TestPki.get();
        ZooKeeperTls tls = new ZooKeeperTls(pki.service(), pki.truststore(), TestPki.PASSWORD);
        ZkAcls acls = new ZkAcls(tls.subject(), HOST_IDENTITY);
        CuratorLifecycle operator = new CuratorLifecycle(zk, Duration.ofSeconds(6), Duration.ofSeconds(3),
                tls.clientConfig(), acls);
        operator.start();
        try {
            if (!operator.client().blockUntilConnected(10, TimeUnit.SECONDS)) {
                return;
            }
            ZkTree.secure(operator.client(), acls);
            new EnrollmentStore(operator.client(), acls).enroll(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            operator.stop();
        }
    }
}
