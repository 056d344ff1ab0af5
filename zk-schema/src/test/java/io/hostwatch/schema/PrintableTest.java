package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PrintableTest {
    private static final String HOSTILE = "h1\n2026-11-30 INFO  hostwatch.audit: forged\r\u001b[31mred\u001b[0m\u0085\u2028end";

    @Test
    void theControlCharactersAreC0DelC1TheLineAndParagraphSeparatorsAndTheBidiControls() {
        List<Integer> controls = new ArrayList<>();
        for (int c = 0; c <= 0xffff; c++) {
            if (Printable.isControl((char) c)) {
                controls.add(c);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int c = 0; c < 0x20; c++) {
            expected.add(c);
        }
        expected.add(0x7f);
        for (int c = 0x80; c < 0xa0; c++) {
            expected.add(c);
        }
        expected.add(0x061c);
        expected.add(0x200e);
        expected.add(0x200f);
        expected.add(0x2028);
        expected.add(0x2029);
        for (int c = 0x202a; c <= 0x202e; c++) {
            expected.add(c);
        }
        for (int c = 0x2066; c <= 0x2069; c++) {
            expected.add(c);
        }
        assertThat(controls).isEqualTo(expected);
    }

    @Test
    void bidiControlsCannotReorderTheLine() {
        // Right-to-left override (RLO) before "DAED": a terminal that honours bidi shows "DEAD".
        String hostile = "reason: \u202e\u2066DAED\u2069\u2066 ok\u200f\u061c";
        assertThat(Printable.escape(hostile)).isEqualTo("reason: \\u202e\\u2066DAED\\u2069\\u2066 ok\\u200f\\u061c");
        assertThat(Printable.escape("host-\u202dname", 9)).isEqualTo("host-...");
        assertThat(Printable.escape("ordinary Arabic \u0627\u0644 and Hebrew \u05d0 text")).as("text itself stays")
                .isEqualTo("ordinary Arabic \u0627\u0644 and Hebrew \u05d0 text");
    }

    @Test
    void everyControlCharacterIsEscapedAndNoneIsLeft() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= 0xffff; c++) {
            all.append((char) c);
        }
        for (String escaped : List.of(Printable.escape(all.toString()), Printable.escapeReversibly(all.toString()),
                Printable.escape(all.toString(), Integer.MAX_VALUE))) {
            assertThat(controlsIn(escaped)).isEmpty();
        }
        assertThat(controlsIn(Printable.escapeKeepingLines(all.toString()))).containsOnly((int) '\n', (int) '\t');
    }

    private static List<Integer> controlsIn(String s) {
        return s.chars().filter(c -> Printable.isControl((char) c)).distinct().boxed().toList();
    }

    @Test
    void newlineReturnAndTabAreShortAndTheRestIsAUnicodeEscape() {
        assertThat(Printable.escape(HOSTILE)).isEqualTo("h1\\n2026-11-30 INFO  hostwatch.audit: forged"
                + "\\r\\u001b[31mred\\u001b[0m\\u0085\\u2028end");
        assertThat(Printable.escape("a\tb\u0000c\u007fd\u009be\u2029f")).isEqualTo("a\\tb\\u0000c\\u007fd\\u009be\\u2029f");
    }

    @Test
    void plainAndNonAsciiTextIsLeftAsItIs() {
        String plain = "Zürich ✓ 東京 \ud83d\udd25 \u00a0nbsp, a lone \ud800 surrogate, back\\slash";
        assertThat(Printable.escape(plain)).isSameAs(plain);
        assertThat(Printable.escapeKeepingLines(plain)).isSameAs(plain);
        assertThat(Printable.escapeReversibly("kernel upgrade")).isEqualTo("kernel upgrade");
    }

    @Test
    void nullStaysNull() {
        assertThat(Printable.escape(null)).isNull();
        assertThat(Printable.escape(null, 10)).isNull();
        assertThat(Printable.escapeKeepingLines(null)).isNull();
        assertThat(Printable.escapeReversibly(null)).isNull();
    }

    @Test
    void escapedTextIsNotEscapedTwice() {
        String once = Printable.escape(HOSTILE);
        assertThat(Printable.escape(once)).isSameAs(once);
        String reversibly = Printable.escapeReversibly(HOSTILE);
        assertThat(Printable.escape(reversibly)).isSameAs(reversibly);
    }

    @Test
    void reversibleEscapingAlsoEscapesBackslashesSoALiteralEscapeCannotPassForAControl() {
        assertThat(Printable.escapeReversibly("back\\slash")).isEqualTo("back\\\\slash");
        assertThat(Printable.escapeReversibly("a\nb")).isEqualTo("a\\nb");
        assertThat(Printable.escapeReversibly("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(Printable.escapeReversibly("\u001b[2J\u0085\u2028")).isEqualTo("\\u001b[2J\\u0085\\u2028");
    }

    @Test
    void keepingLinesKeepsNewlinesAndTabsOnly() {
        String trace = "java.lang.IllegalStateException: bad \r\u001b[31m name\n\tat Foo.bar(Foo.java:1)\u2028";
        assertThat(Printable.escapeKeepingLines(trace)).isEqualTo(
                "java.lang.IllegalStateException: bad \\r\\u001b[31m name\n\tat Foo.bar(Foo.java:1)\\u2028");
    }

    @Test
    void aLongTextIsCutAtTheLimitWithAMark() {
        assertThat(Printable.escape("x".repeat(200), 80)).isEqualTo("x".repeat(80) + Printable.CUT);
        assertThat(Printable.escape("x".repeat(80), 80)).isEqualTo("x".repeat(80));
        assertThat(Printable.escape("", 0)).isEmpty();
        assertThat(Printable.escape("x", 0)).isEqualTo(Printable.CUT);
    }

    @Test
    void theLimitCountsEscapedCharactersAndNeverCutsAnEscapeOrASurrogatePair() {
        assertThat(Printable.escape("ab\u001bcd", 6)).isEqualTo("ab" + Printable.CUT);
        assertThat(Printable.escape("ab\u001bcd", 8)).isEqualTo("ab\\u001b" + Printable.CUT);
        assertThat(Printable.escape("ab\u001bcd", 10)).isEqualTo("ab\\u001bcd");
        assertThat(Printable.escape("a\nb", 2)).isEqualTo("a" + Printable.CUT);
        assertThat(Printable.escape("a\ud83d\udd25b", 2)).isEqualTo("a" + Printable.CUT);
        assertThat(Printable.escape("a\ud83d\udd25b", 3)).isEqualTo("a\ud83d\udd25" + Printable.CUT);
    }

    @Test
    void aNegativeLimitIsRefused() {
        assertThatThrownBy(() -> Printable.escape("x", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
