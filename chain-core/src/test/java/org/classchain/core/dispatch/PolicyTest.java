package org.classchain.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {

    @Test
    void allowAllPermitsEverything() {
        assertThat(Policy.allowAll().permits("blackout")).isTrue();
        assertThat(Policy.parse(null, null)).isEqualTo(Policy.allowAll());
    }

    @Test
    void denyListRefusesOnlyItsModules() {
        Policy p = Policy.parse(" blackout, close-browser ,", null);
        assertThat(p).isEqualTo(Policy.deny(Set.of("blackout", "close-browser")));
        assertThat(p.permits("blackout")).isFalse();
        assertThat(p.permits("close-browser")).isFalse();
        assertThat(p.permits("message")).isTrue();
        assertThat(p).hasToString("deny blackout,close-browser");
    }

    @Test
    void allowListPermitsOnlyItsModules() {
        Policy p = Policy.parse(null, "message");
        assertThat(p.permits("message")).isTrue();
        assertThat(p.permits("blackout")).isFalse();
        assertThat(Policy.allowOnly(Set.of()).permits("message")).isFalse();
    }

    @Test
    void namesNoInstalledModuleHasAreReportedAsLikelyTypos() {
        List<String> installed = List.of("blackout", "message");
        assertThat(Policy.parse("mesage,blackout", null).unknownNames(installed)).containsExactly("mesage");
        assertThat(Policy.parse(null, "message,zz-top,bell").unknownNames(installed)).containsExactly("bell", "zz-top");
        assertThat(Policy.allowAll().unknownNames(installed)).isEmpty();
        assertThat(Policy.allowOnly(Set.of()).unknownNames(installed)).isEmpty();
    }

    @Test
    void badOptionsAreRefusedClearly() {
        assertThatThrownBy(() -> Policy.parse("a", "b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> Policy.parse("Blackout", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Blackout'");
    }
}
