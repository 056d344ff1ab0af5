package io.hostwatch.service.detector;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.service.core.Effect;
import io.hostwatch.service.zk.ClusterView;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Membership events from the cluster view, handed to the detector's thread as machine events, in
 * its urgent lane ({@link DetectorThread}): a loss is taken in ahead of the detector's own follow-ups.
 */
final class ViewEvents implements ClusterView.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ViewEvents.class);

    private final Detector detector;
    private final ClusterView view;
    private final EvidenceProbe probe;
    private final io.hostwatch.service.zk.BrakeSeal brakeSeal;

    ViewEvents(Detector detector, ClusterView view, EvidenceProbe probe, io.hostwatch.service.zk.BrakeSeal brakeSeal) {
        this.detector = detector;
        this.brakeSeal = brakeSeal;
        this.view = view;
        this.probe = probe;
    }

    @Override
    public void joined(MemberId id, MemberRegistration registration) {
        probe.track(id);
        detector.submitUrgent(() -> detector.on(id.group(), m -> m.joined(registration, probe.current(id))));
    }

    @Override
    public void left(MemberId id, MemberRegistration last) {
        detector.submitUrgent(() -> detector.on(id.group(), m -> m.left(last)));
    }

    @Override
    public void maintenanceChanged(MemberId id) {
        detector.submitUrgent(() -> detector.on(id.group(),
                m -> m.maintenance(id, view.maintenance(id).orElse(null))));
    }

    @Override
    public void brakeChanged(String group) {
        detector.submitUrgent(() -> detector.on(group, m -> {
            BrakeRecord r = view.brake(group).orElse(null);
            if (r != null && (r.engaged() || brakeSeal.genuineRelease(r))) {
                return m.brake(r);
            }
            List<Effect> restore = m.brakeTampered();
            if (!restore.isEmpty()) {
                LOG.warn("the brake record of {} was {} by someone other than an operator's release: the brake "
                        + "holds and is written again (release it with DELETE /v1/groups/{}/brake)", group,
                        r == null ? "deleted" : "rewritten", group);
            }
            return restore;
        }));
    }

    @Override
    public void verdictRemoved(MemberId id) {
        detector.submitUrgent(() -> detector.forget(id));
    }
}
