package io.hostwatch.acceptance.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The benchmark report replaces its own section of docs/benchmarks.md and keeps everything else. */
class BenchReportTest {
    private static final String BEGIN_1000 =
            "<!-- scale-benchmark N=10000 K=1000: generated, replaced by the next run of this size -->";
    private static final String END_1000 = "<!-- end of scale-benchmark N=10000 K=1000 -->";

    @Test
    void aRunReplacesOnlyTheSectionOfItsSize() {
        String doc = "# Benchmarks\n\n" + BEGIN_1000 + "\n## old table\n| 0.30 |\n" + END_1000 + "\n\n"
                + "### Status (by hand)\n\nkept\n\n## An older set\n\nkept too\n";
        String next = BenchReport.spliced(doc, "## new table\n| 0.12 |\n\n", 10_000, 1_000);
        assertThat(next).isEqualTo("# Benchmarks\n\n" + BEGIN_1000 + "\n## new table\n| 0.12 |\n" + END_1000 + "\n\n"
                + "### Status (by hand)\n\nkept\n\n## An older set\n\nkept too\n");
        assertThat(BenchReport.spliced(next, "## new table\n| 0.12 |\n", 10_000, 1_000)).as("idempotent")
                .isEqualTo(next);
    }

    @Test
    void aFirstRunOfANewSizeGoesOnTopAndTheOtherSizesStay() {
        String doc = "# Benchmarks\n\n" + BEGIN_1000 + "\n## K=1000\n" + END_1000 + "\n\nnotes\n";
        String next = BenchReport.spliced(doc, "## K=1\n", 10_000, 1);
        assertThat(next).isEqualTo("# Benchmarks\n\n"
                + "<!-- scale-benchmark N=10000 K=1: generated, replaced by the next run of this size -->\n## K=1\n"
                + "<!-- end of scale-benchmark N=10000 K=1 -->\n\n" + BEGIN_1000 + "\n## K=1000\n" + END_1000
                + "\n\nnotes\n");
        // K=1's markers are not a prefix match of K=1000's: replacing K=1 leaves K=1000 alone.
        assertThat(BenchReport.spliced(next, "## K=1 again\n", 10_000, 1)).contains("## K=1 again\n", "## K=1000\n")
                .doesNotContain("## K=1\n");
    }

    @Test
    void aMissingFileOrTitleGetsOne() {
        assertThat(BenchReport.spliced("# Benchmarks\n", "## s\n", 5, 1)).isEqualTo("# Benchmarks\n\n"
                + "<!-- scale-benchmark N=5 K=1: generated, replaced by the next run of this size -->\n## s\n"
                + "<!-- end of scale-benchmark N=5 K=1 -->\n");
        assertThat(BenchReport.spliced("", "## s\n", 5, 1)).startsWith("<!-- scale-benchmark N=5 K=1:");
    }

    @Test
    void aSectionWithOneMarkerIsAnErrorAndNothingIsGuessed() {
        String broken = "# Benchmarks\n\n" + BEGIN_1000 + "\n## table, end marker lost\n\nnotes\n";
        assertThatThrownBy(() -> BenchReport.spliced(broken, "## new\n", 10_000, 1_000))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only one of its markers");
        String reversed = "# Benchmarks\n\n" + END_1000 + "\n" + BEGIN_1000 + "\n";
        assertThatThrownBy(() -> BenchReport.spliced(reversed, "## new\n", 10_000, 1_000))
                .isInstanceOf(IllegalStateException.class);
    }
}
