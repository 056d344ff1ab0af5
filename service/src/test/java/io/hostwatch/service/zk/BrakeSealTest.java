package io.hostwatch.service.zk;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class BrakeSealTest {
    private static final Instant ENGAGED = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static BrakeRecord release(String by, Instant at) {
        return new BrakeRecord("compute", false, ENGAGED, 3, 4, "released by " + by, at, by);
    }

    @Test
    void withoutAKeyAReleaseOnlyHasToBeWellFormed() {
        BrakeSeal seal = BrakeSeal.unsealed();
        assertThat(seal.sealed()).isFalse();
        assertThat(seal.genuineRelease(release("op", ENGAGED.plusSeconds(5)))).isTrue();
        assertThat(seal.genuineRelease(release(null, ENGAGED.plusSeconds(5)))).isFalse();
        assertThat(seal.genuineRelease(release("op", ENGAGED.minusSeconds(5)))).as("before the engagement").isFalse();
        assertThat(seal.genuineRelease(new BrakeRecord("compute", false, ENGAGED, 3, 4, "x", null))).isFalse();
        assertThat(seal.genuineRelease(new BrakeRecord("compute", true, ENGAGED, 3, 4, "x", null))).isFalse();
        assertThat(seal.genuineRelease(null)).isFalse();
    }

    @Test
    void withTheServiceKeyOnlyASealedReleaseCounts() throws Exception {
        BrakeSeal seal = BrakeSeal.of(keyStore("service"));
        BrakeSeal other = BrakeSeal.of(keyStore("other"));
        assertThat(seal.sealed()).isTrue();
        BrakeRecord sealed = seal.seal(release("op", ENGAGED.plusSeconds(5)));
        assertThat(sealed.seal()).isNotBlank();
        assertThat(seal.genuineRelease(sealed)).isTrue();
        assertThat(seal.genuineRelease(Json.read(Json.write(sealed), BrakeRecord.class))).as("after a round trip")
                .isTrue();
        assertThat(seal.genuineRelease(release("op", ENGAGED.plusSeconds(5)))).as("no seal").isFalse();
        assertThat(other.genuineRelease(sealed)).as("another key").isFalse();
        // the seal of one release does not fit another (author, time, engagement, group)
        assertThat(seal.genuineRelease(withSeal(release("mallory", ENGAGED.plusSeconds(5)), sealed.seal()))).isFalse();
        assertThat(seal.genuineRelease(withSeal(release("op", ENGAGED.plusSeconds(6)), sealed.seal()))).isFalse();
        assertThat(seal.genuineRelease(new BrakeRecord("other", false, ENGAGED, 3, 4, "r", ENGAGED.plusSeconds(5),
                "op", sealed.seal()))).isFalse();
    }

    @Test
    void theReleasesRequestIdIsSealedAndKept() throws Exception {
        BrakeSeal seal = BrakeSeal.of(keyStore("service"));
        BrakeRecord sealed = seal.seal(new BrakeRecord("compute", false, ENGAGED, 3, 4, "released by op",
                ENGAGED.plusSeconds(5), "op", null, "req-1"));
        assertThat(sealed.releaseRequestId()).isEqualTo("req-1");
        assertThat(seal.genuineRelease(Json.read(Json.write(sealed), BrakeRecord.class))).isTrue();
        assertThat(seal.genuineRelease(new BrakeRecord("compute", false, ENGAGED, 3, 4, "released by op",
                ENGAGED.plusSeconds(5), "op", sealed.seal(), "req-2"))).as("another request id").isFalse();
        assertThat(seal.genuineRelease(new BrakeRecord("compute", false, ENGAGED, 3, 4, "released by op",
                ENGAGED.plusSeconds(5), "op", sealed.seal(), null))).as("request id removed").isFalse();
    }

    private static BrakeRecord withSeal(BrakeRecord r, String seal) {
        return new BrakeRecord(r.group(), r.engaged(), r.engagedAt(), r.lost(), r.members(), r.reason(),
                r.releasedAt(), r.releasedBy(), seal);
    }

    private ZooKeeperTls keyStore(String name) throws Exception {
        return io.hostwatch.service.testing.TestKeyStores.keyStore(dir, name);
    }
}
