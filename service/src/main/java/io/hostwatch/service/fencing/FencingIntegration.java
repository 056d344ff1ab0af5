package io.hostwatch.service.fencing;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.MemberId;
import io.hostwatch.service.nova.Backoff;
import io.hostwatch.service.nova.Leadership;
import io.hostwatch.service.nova.OwnVerdicts;
import io.hostwatch.service.zk.ClusterView;
import io.hostwatch.service.zk.EpochGuardedRecords;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds out-of-band fencing from {@code fencing.*} and is its lifecycle ({@link Managed}). With no
 * group configured it builds nothing, starts nothing, calls no BMC and leaves every verdict as
 * the detector classified it.
 */
public final class FencingIntegration implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(FencingIntegration.class);
    private static final Duration LEADERSHIP_CHECK = Duration.ofSeconds(1);

    private final BmcTargets targets;
    private final FencingView view;
    private final Fencer fencer;

    private FencingIntegration(BmcTargets targets, FencingView view, Fencer fencer) {
        this.targets = targets;
        this.view = view;
        this.fencer = fencer;
    }

    /**
     * Fencing as configured.
     *
     * @throws IllegalStateException when the configuration has problems (each is named)
     */
    public static FencingIntegration create(FencingConfiguration config, CuratorFramework client,
                                            ClusterView cluster, OwnVerdicts own, Leadership leadership, Clock clock,
                                            MetricRegistry metrics, Predicate<String> brakeHeldLocally) {
        if (!config.enabled()) {
            return new FencingIntegration(null, null, null);
        }
        List<String> problems = config.problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("fencing: " + String.join("; ", problems));
        }
        BmcTargets targets = new BmcTargets(config);
        FencingView view = new FencingView(client);
        Fencer fencer = new Fencer(cluster, own, EpochGuardedRecords.fencing(client), leadership, targets,
                new FencingPlanner(config.settle.toJavaDuration()),
                new FencingRunner(new Backoff(config.retryInitialDelay.toJavaDuration(),
                        config.retryMaxDelay.toJavaDuration()), config.confirmTimeout.toJavaDuration(),
                        config.confirmInterval.toJavaDuration(), clock, d -> Thread.sleep(d.toMillis())),
                new Fencer.Settings(LEADERSHIP_CHECK, config.reconcileInterval.toJavaDuration(),
                        config.maxConcurrentCalls, config.retryInitialDelay.toJavaDuration()), clock, System::nanoTime,
                metrics, brakeHeldLocally);
        LOG.info("out-of-band fencing enabled for groups {} (settle {}, BMC timeout {})", config.groups.keySet(),
                config.settle, config.timeout);
        return new FencingIntegration(targets, view, fencer);
    }

    public boolean enabled() {
        return fencer != null;
    }

    /** Tells {@code observer} of the end of every attempt against a BMC (metrics; must not block). */
    public void observe(Fencer.AttemptObserver observer) {
        if (fencer != null) {
            fencer.observe(observer);
        }
    }

    /** Tells {@code listener} of every member whose fencing record changed (must not block). */
    public void onChange(Consumer<MemberId> listener) {
        if (view != null) {
            view.addListener(listener);
        }
    }

    /** Fencing as the detector's machines see it. */
    public io.hostwatch.service.detector.FencingSource source() {
        return new io.hostwatch.service.detector.FencingSource() {
            @Override
            public boolean fenced(String group) {
                return targets != null && targets.fenced(MemberId.of(group, "any"));
            }

            @Override
            public java.util.Map<MemberId, FencingAction> records() {
                return view == null ? java.util.Map.of() : view.all();
            }

            @Override
            public Optional<FencingAction> record(MemberId id) {
                return FencingIntegration.this.record(id);
            }
        };
    }

    /** The member's fencing record as this instance last saw it. */
    public Optional<FencingAction> record(MemberId id) {
        return view == null ? Optional.empty() : view.action(id);
    }

    /** The member's BMC, when its group is fenced (for the operator's power calls). */
    public Optional<BmcTargets.Target> bmc(MemberId id) {
        return targets == null ? Optional.empty() : targets.resolve(id);
    }

    @Override
    public void start() {
        if (fencer != null) {
            view.start();
            fencer.start();
        }
    }

    @Override
    public void stop() {
        if (fencer != null) {
            fencer.close();
            view.close();
        }
    }
}
