package org.classchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CommandTest {

    private static Command with(Map<String, String> args) {
        return new Command(UUID.randomUUID(), "message", Target.all(), args, Instant.EPOCH);
    }

    @Test
    void anArgumentNameWithALoneSurrogateIsRefused() {
        // a JSON parser refuses such a name, so a block carrying it could not be read by the peers
        assertThatThrownBy(() -> with(Map.of("a\uDFFF", "x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> with(Map.of("\uD800", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> with(Map.of("\uD800a", "x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wellFormedNamesAndAnyValuesAreKeptSorted() {
        Command c = with(Map.of("zo\u00eb", "1", "\uD83D\uDE00", "\uDFFF", "a", ""));
        assertThat(c.args().keySet()).containsExactly("a", "zo\u00eb", "\uD83D\uDE00");
        assertThat(c.args().get("\uD83D\uDE00")).isEqualTo("\uDFFF");
    }

    @Test
    void aGrantIdCannotBeTheOneThatStandsForGenesis() {
        assertThatThrownBy(() -> new Grant("c", "t", Role.TEACHER, Hash.ZERO, Grant.FIRST, Instant.EPOCH, "n", null,
                new byte[Grant.SIGNATURE_LENGTH])).isInstanceOf(IllegalArgumentException.class);
    }
}
