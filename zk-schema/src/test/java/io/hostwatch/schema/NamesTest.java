package io.hostwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class NamesTest {

    static Stream<String> validNames() {
        return Stream.of("compute", "host1", "a", "node-01", "A1", "0", "123", "a-b-c", "x--y",
                "a".repeat(Names.MAX_LENGTH), "a" + "-".repeat(Names.MAX_LENGTH - 2) + "z");
    }

    /** Invalid names, each with a readable display name (several contain control characters). */
    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of(named("null", null)),
                Arguments.of(named("empty", "")),
                Arguments.of(named("64 characters", "a".repeat(Names.MAX_LENGTH + 1))),
                Arguments.of(named("1000 characters", "b".repeat(1000))),
                Arguments.of(named("-a", "-a")),
                Arguments.of(named("a-", "a-")),
                Arguments.of(named("-", "-")),
                Arguments.of(named("a/b", "a/b")),
                Arguments.of(named("/a", "/a")),
                Arguments.of(named("..", "..")),
                Arguments.of(named(".", ".")),
                Arguments.of(named("../etc", "../etc")),
                Arguments.of(named("a.b", "a.b")),
                Arguments.of(named("a b", "a b")),
                Arguments.of(named("leading space", " a")),
                Arguments.of(named("trailing space", "a ")),
                Arguments.of(named("a NUL b", "a\0b")),
                Arguments.of(named("NUL", "\0")),
                Arguments.of(named("a umlaut", "\u00e4")),
                Arguments.of(named("host with umlaut", "h\u00e4st")),
                Arguments.of(named("a_b", "a_b")),
                Arguments.of(named("a TAB b", "a\tb")),
                Arguments.of(named("a LF b", "a\nb")),
                Arguments.of(named("trailing LF", "a\n")),
                Arguments.of(named("a CR b", "a\rb")),
                Arguments.of(named("a ESC b", "a\u001bb")),
                Arguments.of(named("a DEL b", "a\u007fb")),
                Arguments.of(named("a NEL b", "a\u0085b")),
                Arguments.of(named("fullwidth digit", "\uff11")),
                Arguments.of(named("a:b", "a:b")),
                Arguments.of(named("a%2fb", "a%2fb")),
                Arguments.of(named("a\\b", "a\\b")));
    }

    @ParameterizedTest
    @MethodSource("validNames")
    void acceptsRfc1123Labels(String name) {
        assertThat(Names.group(name)).isSameAs(name);
        assertThat(Names.host(name)).isSameAs(name);
        assertThat(Names.isValid(name)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void rejectsInvalidGroupNames(String name) {
        assertRejected(Names::group, name, "group");
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void rejectsInvalidHostNames(String name) {
        assertRejected(Names::host, name, "host");
    }

    @ParameterizedTest
    @MethodSource("invalidNames")
    void isValidIsFalseAndNeverThrows(String name) {
        assertThat(Names.isValid(name)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("controlCharacters")
    void messagesShowControlCharactersEscaped(String name, String shown) {
        assertThatThrownBy(() -> Names.host(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("'" + shown + "'");
    }

    static Stream<Arguments> controlCharacters() {
        return Stream.of(Arguments.of("a\0b", "a\\u0000b"), Arguments.of("a\tb", "a\\tb"),
                Arguments.of("a\nb", "a\\nb"), Arguments.of("a\rb", "a\\rb"), Arguments.of("a\u007fb", "a\\u007fb"),
                Arguments.of("a\u0085b", "a\\u0085b"), Arguments.of("a\u2028b", "a\\u2028b"));
    }

    @Test
    void tooLongMessageStatesTheLimit() {
        assertThatThrownBy(() -> Names.group("a".repeat(64)))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("64")
                .hasMessageContaining(String.valueOf(Names.MAX_LENGTH));
    }

    @Test
    void invalidNameIsAHostwatchException() {
        assertThatThrownBy(() -> Names.group("a/b")).isInstanceOf(HostwatchException.class);
    }

    @Test
    void defaultGroupIsValid() {
        assertThat(Names.DEFAULT_GROUP).isEqualTo("compute");
        assertThat(Names.isValid(Names.DEFAULT_GROUP)).isTrue();
    }

    private static void assertRejected(UnaryOperator<String> check, String name, String kind) {
        assertThatThrownBy(() -> check.apply(name))
                .isInstanceOf(InvalidNameException.class)
                .hasMessageContaining(kind)
                .satisfies(e -> assertThat(e.getMessage().chars())
                        .as("message must not carry raw control characters: %s", Printable.escape(e.getMessage()))
                        .noneMatch(Character::isISOControl));
    }
}
