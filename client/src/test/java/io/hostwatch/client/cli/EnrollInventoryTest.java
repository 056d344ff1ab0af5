package io.hostwatch.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostwatch.schema.MemberId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EnrollInventoryTest {
    @Test
    void readsHostsAndGroupHostPairsWithComments() {
        List<MemberId> hosts = EnrollCommand.parse(List.of("# rack 1", "compute-1", "  compute-2  # spare", "",
                "edge edge-1", "compute-1"), "inv", "compute");
        assertThat(hosts).containsExactly(MemberId.of("compute", "compute-1"), MemberId.of("compute", "compute-2"),
                MemberId.of("edge", "edge-1"));
    }

    @Test
    void oneBadLineRejectsTheWholeFile() {
        assertThatThrownBy(() -> EnrollCommand.parse(List.of("compute-1", "bad/name", "a b c"), "inv", "compute"))
                .isInstanceOf(CliException.class).hasMessageContaining("inv line 2").hasMessageContaining("inv line 3")
                .hasMessageContaining("nothing enrolled");
    }

    @Test
    void anEmptyInventoryIsAnError() {
        assertThatThrownBy(() -> EnrollCommand.parse(List.of("# nothing"), "inv", "compute"))
                .isInstanceOf(CliException.class).hasMessageContaining("lists no host");
    }
}
