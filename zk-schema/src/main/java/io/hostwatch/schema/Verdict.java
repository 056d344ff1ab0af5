package io.hostwatch.schema;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The detector's explained judgement of one member, stored at {@link ZkPaths#verdict(MemberId)}.
 *
 * @param group service group
 * @param host host name
 * @param address the member's management address, as last registered
 * @param state the verdict
 * @param reason one human sentence saying why
 * @param since when the member entered this state
 * @param actionable true only where recovery is safe
 * @param safeToRecoverAt earliest time recovery (evacuation) is safe, for DEAD or fenced ISOLATED
 * @param incarnation the member's start id the verdict is about
 * @param epoch leadership term of the detector that wrote it (fencing token)
 * @param evidence each signal's observation
 * @param updatedAt when this record was written
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(
        String group,
        String host,
        String address,
        State state,
        String reason,
        Instant since,
        boolean actionable,
        Instant safeToRecoverAt,
        String incarnation,
        long epoch,
        Evidence evidence,
        Instant updatedAt) {

    public MemberId id() {
        return new MemberId(group, host);
    }
}
