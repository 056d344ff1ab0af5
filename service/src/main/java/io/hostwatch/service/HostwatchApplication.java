package io.hostwatch.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.hostwatch.schema.HostwatchException;
import io.hostwatch.schema.Json;
import io.hostwatch.service.auth.RestSecurity;
import io.hostwatch.service.detector.Detector;
import io.hostwatch.service.detector.DetectorSettings;
import io.hostwatch.service.detector.SelfCheck;
import io.hostwatch.service.fencing.FencingIntegration;
import io.hostwatch.service.health.LeaderHealthCheck;
import io.hostwatch.service.logging.EscapingMessageConverter;
import io.hostwatch.service.health.StorageHealthCheck;
import io.hostwatch.service.health.ZooKeeperHealthCheck;
import io.hostwatch.service.metrics.BuildVersion;
import io.hostwatch.service.metrics.ClusterGauges;
import io.hostwatch.service.metrics.HostwatchMetrics;
import io.hostwatch.service.metrics.NovaActionCounters;
import io.hostwatch.service.metrics.PrometheusEndpoint;
import io.hostwatch.service.nova.Leadership;
import io.hostwatch.service.nova.NovaIntegration;
import io.hostwatch.service.probe.PingProbe;
import io.hostwatch.service.probe.StorageObserver;
import io.hostwatch.service.resources.BodySizeLimitFilter;
import io.hostwatch.service.resources.BrakeResource;
import io.hostwatch.service.resources.DetectorResource;
import io.hostwatch.service.resources.EnrollmentResource;
import io.hostwatch.service.resources.GroupsResource;
import io.hostwatch.service.resources.MemberReadFilter;
import io.hostwatch.service.resources.HistoryResource;
import io.hostwatch.service.resources.JsonErrorHandler;
import io.hostwatch.service.resources.MaintenanceResource;
import io.hostwatch.service.resources.PowerResource;
import io.hostwatch.service.security.SecurityPosture;
import io.hostwatch.service.ui.DashboardResource;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.CuratorLifecycle;
import io.hostwatch.service.zk.EmbeddedZooKeeper;
import io.hostwatch.service.zk.EnrollmentStore;
import io.hostwatch.service.zk.OperatorStore;
import io.hostwatch.service.zk.VerdictHistory;
import io.hostwatch.service.zk.VerdictStore;
import io.hostwatch.service.zk.ZkAcls;
import io.hostwatch.service.zk.ZkTree;
import io.hostwatch.service.zk.ZooKeeperTls;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Wires the service; all behaviour lives in the classes it wires. */
public class HostwatchApplication extends Application<HostwatchConfiguration> {
    static {
        // every log line escapes control characters, before Dropwizard builds its layouts
        EscapingMessageConverter.install();
    }

    public static void main(String[] args) throws Exception {
        // See HostwatchCli: no SASL principal lookup (reverse DNS) unless SASL is asked for.
        if (System.getProperty("zookeeper.sasl.client") == null) {
            System.setProperty("zookeeper.sasl.client", "false");
        }
        new HostwatchApplication().run(args);
    }

    @Override
    public String getName() {
        return "hostwatch";
    }

    @Override
    public void initialize(Bootstrap<HostwatchConfiguration> bootstrap) {
        EscapingMessageConverter.install(); // again: a stopped logger context forgot it
        Json.configure(bootstrap.getObjectMapper());
    }

    @Override
    public void run(HostwatchConfiguration config, Environment environment) throws Exception {
        Json.configure(environment.getObjectMapper());
        // Request bodies are strict: a misspelt field ("expires_at") is a 400, not silently ignored.
        // (ZooKeeper records are read with Json.mapper(), which stays tolerant.)
        environment.getObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        RestSecurity security = RestSecurity.register(config.getServerFactory(), config.getAuth(),
                config.getSecurity().allowInsecure, config.getKeystone(), config.getNova().connectTimeout.toJavaDuration(),
                config.getNova().requestTimeout.toJavaDuration(), environment, Clock.systemUTC());
        HostwatchConfiguration.ZooKeeper zk = config.getZookeeper();
        ZooKeeperTls tls = !zk.tlsEnabled() ? null
                : ZooKeeperTls.of(zk.tls.keyStore, zk.tls.trustStore, zk.tls.passwordFile);
        SecurityPosture zkSecurity = SecurityPosture.apply(config, tls == null ? null : tls.subject());
        ZkAcls acls = tls == null ? ZkAcls.open() : new ZkAcls(tls.subject(), config.getSecurity().hostIdentity);
        String connectString = zk.connectString;
        if (connectString == null || connectString.isBlank()) {
            EmbeddedZooKeeper embedded = new EmbeddedZooKeeper(Path.of(zk.embedded.dataDir), zk.embedded.address,
                    zk.embedded.port, (int) zk.embedded.tickTime.toMilliseconds());
            if (tls != null) {
                if (zk.embedded.keyStore == null || zk.embedded.keyStore.isBlank()) {
                    throw new HostwatchException("zookeeper.tls is set: the embedded server needs its own "
                            + "certificate in zookeeper.embedded.keyStore (deploy/pki.sh makes zookeeper.p12)");
                }
                embedded.tls(Path.of(zk.embedded.keyStore), tls.trustStore(), tls.password());
            }
            environment.lifecycle().manage(embedded);
            connectString = embedded.connectString();
        }
        CuratorLifecycle curator = new CuratorLifecycle(connectString, zk.sessionTimeout.toJavaDuration(),
                zk.connectionTimeout.toJavaDuration(), tls == null ? ZooKeeperTls.plainClientConfig()
                        : tls.clientConfig(), acls);
        environment.lifecycle().manage(curator);

        Clock clock = Clock.systemUTC();
        Path storageRoot = Path.of(config.getStorage().root).toAbsolutePath();
        Files.createDirectories(storageRoot);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hostwatch-storage-scan");
            t.setDaemon(true);
            return t;
        });
        HostwatchConfiguration.Storage st = config.getStorage();
        HostwatchConfiguration.Security sec = config.getSecurity();
        ClusterView view = new ClusterView(curator.client(), new io.hostwatch.service.core.RegistrationPolicy(
                sec.memberNetworks, sec.maxFenceAfter.toMilliseconds(), sec.maxMembersPerGroup));
        // the registration names the key and incarnation whose storage records count
        StorageObserver storage = new StorageObserver(storageRoot, st.staleAfter.toJavaDuration(),
                st.observeInterval.toJavaDuration(), st.readTimeout.toJavaDuration(), st.readThreads,
                System::nanoTime, clock, scheduler, view::registration);
        HostwatchConfiguration.Ping pc = config.getPing();
        PingProbe ping = new PingProbe(pc.timeout.toJavaDuration(), pc.ports,
                PingProbe.IcmpMode.valueOf(pc.icmp.toUpperCase(Locale.ROOT)), pc.maxConcurrent, clock,
                pc.requireIcmp);

        String instanceId = InetAddress.getLocalHost().getHostName() + "-" + UUID.randomUUID().toString()
                .substring(0, 8);
        HostwatchConfiguration.Detection dc = config.getDetection();
        SelfCheck selfCheck = new SelfCheck(ping, dc.isolationAddresses, storageRoot, instanceId,
                dc.selfCheckInterval.toJavaDuration(), st.readTimeout.toJavaDuration(), clock);
        HostwatchConfiguration.Brake bc = config.getBrake();
        HostwatchConfiguration.Flap fc = config.getFlap();
        java.time.Duration settle = DetectorSettings.settle(bc.settle == null ? null : bc.settle.toJavaDuration(),
                zk.sessionTimeout.toJavaDuration());
        DetectorSettings settings = new DetectorSettings(zk.sessionTimeout.toJavaDuration(),
                dc.recheckInterval.toJavaDuration(), st.staleAfter.toJavaDuration(), bc.threshold, bc.minMembers,
                bc.window.toJavaDuration(), fc.threshold, fc.window.toJavaDuration(), fc.holdDown.toJavaDuration(),
                settle);
        Detector detector = new Detector(curator.client(), view, new VerdictStore(curator.client(), clock,
                config.getHistory().size), ping,
                storage, selfCheck, settings, clock, System::nanoTime, instanceId);

        // A brake is released only by an operator's release, sealed with the service identity's key.
        io.hostwatch.service.zk.BrakeSeal brakeSeal = io.hostwatch.service.zk.BrakeSeal.of(tls);
        detector.setBrakeSeal(brakeSeal);

        // Out-of-band fencing (off unless fencing.groups lists a group): the detector publishes what its
        // records say; its leader-only fencer is started after and stopped before the detector.
        // Nova's notifier and the fencer act only on verdicts this instance's leader published in its
        // current epoch, never on ZooKeeper's copy (anyone could have written that with an open ACL).
        io.hostwatch.service.nova.OwnVerdicts own = new io.hostwatch.service.nova.OwnVerdicts();
        detector.addPublishListener((previous, now, latency) -> own.published(now));
        FencingIntegration fencing = FencingIntegration.create(config.getFencing(), curator.client(), view, own,
                Leadership.of(detector.leadership()::isLeader, detector.leadership()::epoch), clock, environment.metrics(),
                group -> detector.localBrake(group).isPresent());
        if (fencing.enabled()) {
            detector.setFencing(fencing.source());
            fencing.onChange(detector::fencingChanged);
        }

        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                ZkTree.secure(curator.client(), acls);
                view.start();
                view.awaitInitialized(zk.connectionTimeout.toMilliseconds() * 2);
                storage.start();
                selfCheck.start();
                detector.start();
            }

            @Override
            public void stop() {
                detector.close();
                selfCheck.close();
                view.close();
                storage.close();
                ping.close();
                scheduler.shutdownNow();
            }
        });

        environment.lifecycle().manage(fencing);

        // Nova integration (off unless nova.enabled): leader-only, started after and stopped before the detector.
        NovaIntegration nova = NovaIntegration.create(config.getNova(), config.getKeystone(), config.getMasakari(),
                curator.client(), own, Leadership.of(detector.leadership()::isLeader, detector.leadership()::epoch,
                        detector.leadership()::onChange), clock,
                environment.metrics());
        environment.lifecycle().manage(nova);

        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(new JsonErrorHandler()));
        environment.jersey().register(new GroupsResource(view, nova.statusLookup(),
                new OperatorStore(curator.client(), brakeSeal)));
        // The hot member read, from pre-serialized bytes; after hostwatch-auth (registered earlier, also matched after).
        environment.servlets().addFilter("hostwatch-member-read", new MemberReadFilter(view, nova.statusLookup(),
                environment.getObjectMapper())).addMappingForUrlPatterns(
                        java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/v1/groups/*");
        environment.jersey().register(new DetectorResource(detector, security.status(), zkSecurity.status()));
        environment.jersey().register(new EnrollmentResource(new EnrollmentStore(curator.client(), acls), clock));
        environment.jersey().register(new HistoryResource(view, new VerdictHistory(curator.client(),
                zk.connectionTimeout.toJavaDuration().multipliedBy(2)),
                curator.client().getZookeeperClient()::isConnected));
        OperatorStore operators = new OperatorStore(curator.client(), brakeSeal);
        environment.jersey().register(new MaintenanceResource(view, operators, clock));
        environment.jersey().register(new BrakeResource(view, operators, clock, detector::localBrake));
        environment.jersey().register(new PowerResource(view, fencing));
        environment.jersey().register(new BodySizeLimitFilter(BodySizeLimitFilter.DEFAULT_LIMIT));
        environment.jersey().register(new DashboardResource());
        environment.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(curator.client()));
        environment.healthChecks().register("storage", new StorageHealthCheck(storageRoot,
                st.readTimeout.toMilliseconds()));
        environment.healthChecks().register("leader", new LeaderHealthCheck(detector));

        // Prometheus text format on the admin port's /metrics; Dropwizard's JSON at /metrics.json.
        HostwatchMetrics metrics = HostwatchMetrics.create();
        ClusterGauges.register(metrics.registry(), new ClusterGauges.Sources(view::verdicts, view::brakes,
                detector.leadership()::isLeader, detector.leadership()::epoch, curator.client().getZookeeperClient()::isConnected,
                BuildVersion.get()));
        NovaActionCounters.register(metrics.registry(), environment.metrics());
        ping.observe((result, took) -> metrics.probed("ping", result.name(), took));
        fencing.observe(metrics::fencingAttempted);
        storage.observeReads((result, took) -> metrics.probed("storage", result, took));
        detector.addPublishListener(metrics::verdictPublished);
        PrometheusEndpoint.register(environment.admin(), metrics.registry(), environment.metrics());
    }
}
