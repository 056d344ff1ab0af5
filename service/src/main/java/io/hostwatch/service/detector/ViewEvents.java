package io.hostwatch.service.detector;

import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.service.zk.ClusterView;

/** Membership events from the cluster view, handed to the detector's thread as machine events. */
final class ViewEvents implements ClusterView.Listener {
    private final Detector detector;
    private final ClusterView view;
    private final EvidenceProbe probe;

    ViewEvents(Detector detector, ClusterView view, EvidenceProbe probe) {
        this.detector = detector;
        this.view = view;
        this.probe = probe;
    }

    @Override
    public void joined(MemberId id, MemberRegistration registration) {
        probe.track(id);
        detector.submit(() -> detector.on(id.group(), m -> m.joined(registration, probe.current(id))));
    }

    @Override
    public void left(MemberId id, MemberRegistration last) {
        detector.submit(() -> detector.on(id.group(), m -> m.left(last)));
    }

    @Override
    public void maintenanceChanged(MemberId id) {
        detector.submit(() -> detector.on(id.group(), m -> m.maintenance(id, view.maintenance(id).orElse(null))));
    }

    @Override
    public void brakeChanged(String group) {
        detector.submit(() -> detector.on(group, m -> m.brake(view.brake(group).orElse(null))));
    }

    @Override
    public void verdictRemoved(MemberId id) {
        detector.submit(() -> detector.forget(id));
    }
}
