package io.hostwatch.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.hostwatch.service.detector.Detector;
import io.hostwatch.service.detector.DetectorStatus;

/** Healthy when some instance is known to lead the detection. */
public final class LeaderHealthCheck extends HealthCheck {
    private final Detector detector;

    public LeaderHealthCheck(Detector detector) {
        this.detector = detector;
    }

    @Override
    protected Result check() {
        DetectorStatus s = detector.status();
        if (s.leaderInstance() == null) {
            return Result.unhealthy("no detector leader known");
        }
        return Result.healthy(s.leader() ? "this instance leads (epoch " + s.epoch() + ")"
                : "leader is " + s.leaderInstance());
    }
}
