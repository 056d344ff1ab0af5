package io.hostwatch.service.detector;

import io.hostwatch.schema.FencingAction;
import io.hostwatch.schema.MemberId;
import java.util.Map;
import java.util.Optional;

/**
 * Out-of-band fencing as the detector's machines see it: which groups are fenced, and the fencing
 * records (read from a cache; quick, non-blocking).
 */
public interface FencingSource {
    /** No group is fenced. */
    FencingSource NONE = new FencingSource() {
        @Override
        public boolean fenced(String group) {
            return false;
        }

        @Override
        public Map<MemberId, FencingAction> records() {
            return Map.of();
        }

        @Override
        public Optional<FencingAction> record(MemberId id) {
            return Optional.empty();
        }
    };

    boolean fenced(String group);

    Map<MemberId, FencingAction> records();

    Optional<FencingAction> record(MemberId id);
}
