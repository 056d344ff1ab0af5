package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class MemberIdTest {

    @Test
    void holdsGroupAndHost() {
        MemberId id = MemberId.of("compute", "host1");
        assertThat(id.group()).isEqualTo("compute");
        assertThat(id.host()).isEqualTo("host1");
        assertThat(id).isEqualTo(new MemberId("compute", "host1")).hasSameHashCodeAs(new MemberId("compute", "host1"));
        assertThat(id).isNotEqualTo(MemberId.of("compute", "host2")).isNotEqualTo(MemberId.of("other", "host1"));
    }

    @Test
    void toStringIsGroupSlashHost() {
        assertThat(MemberId.of("compute", "node-01")).hasToString("compute/node-01");
    }

    @Test
    void namesAreCaseSensitive() {
        assertThat(MemberId.of("compute", "A1")).isNotEqualTo(MemberId.of("compute", "a1"));
    }

    @Test
    void ordersByGroupThenHost() {
        List<MemberId> ids = new ArrayList<>(List.of(
                MemberId.of("compute", "b"), MemberId.of("cinder", "z"), MemberId.of("compute", "a"),
                MemberId.of("compute", "a-1"), MemberId.of("zeta", "a")));
        Collections.shuffle(ids);
        Collections.sort(ids);
        assertThat(ids).containsExactly(
                MemberId.of("cinder", "z"), MemberId.of("compute", "a"), MemberId.of("compute", "a-1"),
                MemberId.of("compute", "b"), MemberId.of("zeta", "a"));
        assertThat(MemberId.of("compute", "a")).isEqualByComparingTo(MemberId.of("compute", "a"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"..", "a/b", "-a", "a\0b", "a_b", "a.b"})
    void rejectsABadGroup(String group) {
        assertThatThrownBy(() -> MemberId.of(group, "host1"))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("group");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"..", "a/b", "-a", "a\0b", "a_b", "a.b"})
    void rejectsABadHost(String host) {
        assertThatThrownBy(() -> new MemberId("compute", host))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("host");
    }
}
