package io.hostwatch.service.nova;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.zk.EpochGuardedRecords;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Nova integration from {@code nova.*}, {@code keystone.*} and {@code masakari.*} and
 * is its lifecycle ({@link Managed}): register it with Dropwizard after the detector. When
 * {@code nova.enabled} is false it builds nothing, starts nothing and makes no call.
 */
public final class NovaIntegration implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(NovaIntegration.class);
    private static final Duration LEADERSHIP_CHECK = Duration.ofSeconds(1);

    private final NovaActionView actions;
    private final NovaNotifier notifier;
    private final NovaOutcomes outcomes;

    private NovaIntegration(NovaActionView actions, NovaNotifier notifier, NovaOutcomes outcomes) {
        this.actions = actions;
        this.notifier = notifier;
        this.outcomes = outcomes;
    }

    /**
     * The integration as configured. {@code own} carries the verdicts this instance's detector
     * leader publishes: the only ones it acts on.
     *
     * @throws IllegalStateException when Nova is enabled but the Keystone settings are incomplete
     */
    public static NovaIntegration create(NovaConfiguration nova, KeystoneConfiguration keystone,
                                         MasakariConfiguration masakari, CuratorFramework client, OwnVerdicts own,
                                         Leadership leadership, Clock clock, MetricRegistry metrics) {
        if (!nova.enabled) {
            if (masakari.enabled) {
                LOG.warn("masakari.enabled has no effect while nova.enabled is false");
            }
            return new NovaIntegration(null, null, new NovaOutcomes());
        }
        List<String> problems = new java.util.ArrayList<>(keystone.problems());
        for (String url : new String[] {nova.endpointOverride, masakari.endpointOverride}) {
            if (url != null && !keystone.allowInsecureHttp && !OpenStackTls.secureOrLoopback(url)) {
                problems.add("endpoint " + url + " is not https (plain http only to loopback, or with"
                        + " keystone.allowInsecureHttp)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("nova.enabled is true but: " + String.join("; ", problems));
        }
        HttpClient http = OpenStackTls.client(keystone.caFile, nova.connectTimeout.toJavaDuration());
        Duration requestTimeout = nova.requestTimeout.toJavaDuration();
        KeystoneSession session = new KeystoneSession(keystone, http, requestTimeout, clock, metrics);
        OpenStackHttp openstack = new OpenStackHttp(session, http, requestTimeout, metrics);
        NovaApi novaApi = new NovaClient(openstack, nova.endpointOverride);
        MasakariApi masakariApi = masakari.enabled ? new MasakariClient(openstack, masakari.endpointOverride) : null;
        NovaSettings settings = new NovaSettings(LEADERSHIP_CHECK, nova.reconcileInterval.toJavaDuration(),
                nova.maxConcurrentCalls, new Backoff(nova.retryInitialDelay.toJavaDuration(),
                nova.retryMaxDelay.toJavaDuration()));
        LOG.info("Nova integration enabled: Keystone {} ({} auth, interface {}{}), Masakari {}", keystone.authUrl,
                keystone.authType, keystone.interfaceName, keystone.region == null ? "" : ", region " + keystone.region,
                masakari.enabled ? "enabled" : "disabled");
        return create(client, own, leadership, nova.mapping(), novaApi, masakariApi, nova.reenable,
                masakari.clearMaintenanceOnForceUp, settings, clock, metrics);
    }

    /** The integration around given API clients (tests use this with a stub or a fault-injecting wrapper). */
    public static NovaIntegration create(CuratorFramework client, OwnVerdicts own, Leadership leadership,
                                         HostNameMapping mapping, NovaApi nova, MasakariApi masakari,
                                         boolean reenable, NovaSettings settings, Clock clock,
                                         MetricRegistry metrics) {
        return create(client, own, leadership, mapping, nova, masakari, reenable, false, settings, clock, metrics);
    }

    /** As above; {@code clearMaintenance}: a force-up also clears Masakari's {@code on_maintenance}. */
    public static NovaIntegration create(CuratorFramework client, OwnVerdicts own, Leadership leadership,
                                         HostNameMapping mapping, NovaApi nova, MasakariApi masakari,
                                         boolean reenable, boolean clearMaintenance, NovaSettings settings,
                                         Clock clock, MetricRegistry metrics) {
        NovaActionView actions = new NovaActionView(client);
        NovaOutcomes outcomes = new NovaOutcomes();
        NovaNotifier notifier = new NovaNotifier(own, actions, EpochGuardedRecords.novaActions(client), leadership,
                new NovaPlanner(mapping, masakari != null, clearMaintenance), new NovaActionRunner(nova, masakari,
                reenable, settings.backoff(), clock), settings, clock, metrics, outcomes);
        return new NovaIntegration(actions, notifier, outcomes);
    }

    /**
     * Adds a listener told the outcome of every Nova call sequence and Masakari step (for metrics);
     * harmless when Nova is not enabled (it is never called).
     */
    public void addOutcomeListener(NovaOutcomeListener listener) {
        outcomes.add(listener);
    }

    public boolean enabled() {
        return notifier != null;
    }

    /** The Nova state of a member for the REST API; null (the field is left out) when Nova is not enabled. */
    public Function<MemberId, NovaStatus> statusLookup() {
        NovaActionView a = actions;
        return a == null ? id -> null : a::status;
    }

    @Override
    public void start() {
        if (notifier != null) {
            actions.start();
            notifier.start();
        }
    }

    @Override
    public void stop() {
        if (notifier != null) {
            notifier.close();
            actions.close();
        }
    }
}
