package io.hostwatch.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LogTextTest {
    @Test
    void controlCharactersAreEscapedAndPlainTextIsUntouched() {
        assertThat(LogText.escape("kernel upgrade")).isEqualTo("kernel upgrade");
        assertThat(LogText.escape("a\nFAKE LOG LINE")).isEqualTo("a\\nFAKE LOG LINE");
        assertThat(LogText.escape("\u001b[31mred\u001b[0m")).isEqualTo("\\u001b[31mred\\u001b[0m");
        assertThat(LogText.escape("tab\there\r")).isEqualTo("tab\\there\\r");
        assertThat(LogText.escape("back\\slash")).isEqualTo("back\\\\slash");
        assertThat(LogText.escape("\u0085\u2028")).isEqualTo("\\u0085\\u2028");
        assertThat(LogText.escape("Zürich ✓")).isEqualTo("Zürich ✓");
        assertThat(LogText.escape(null)).isEqualTo("null");
    }
}
