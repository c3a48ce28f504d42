package org.classchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Target}: what {@code --target} accepts, what it refuses and why, and who it reaches. */
class TargetTest {

    @Test
    void parsesEachKind() {
        assertThat(Target.parse("all")).isEqualTo(Target.all());
        assertThat(Target.parse(" ALL ")).isEqualTo(Target.all());
        assertThat(Target.parse("peer:b,a")).isEqualTo(Target.peers("a", "b"));
        assertThat(Target.parse("User:alice")).isEqualTo(Target.users("alice"));
        assertThat(Target.parse("role:student")).isEqualTo(Target.role(Role.STUDENT));
        assertThat(Target.parse("role:TEACHER").values()).containsExactly("TEACHER");
    }

    @Test
    void valuesAreSortedWithoutDuplicates() {
        Target t = Target.parse("user:carol,alice,carol,bob");
        assertThat(t.values()).containsExactly("alice", "bob", "carol");
        assertThat(t).hasToString("user:alice,bob,carol");
        assertThat(t).isEqualTo(Target.users("bob", "carol", "alice"));
    }

    @ParameterizedTest(name = "''{0}'' is refused: {1}")
    @CsvSource(delimiter = '|', value = {
            "alice              | a target is all, peer:ID, user:NAME or role:ROLE, not 'alice'",
            "group:a            | a target is all, peer:ID, user:NAME or role:ROLE, not 'group:a'",
            "''                 | a target is all, peer:ID, user:NAME or role:ROLE, not ''",
            "user:              | bad target value: ''",
            "peer:a,,b          | bad target value: ''",
            "user:a, ,b         | bad target value: ' '",
            "role:admin         | a role is TEACHER or STUDENT, not 'ADMIN'",
            "role:              | a role is TEACHER or STUDENT, not ''",
    })
    void refusesNamingWhatIsWrong(String text, String reason) {
        assertThatThrownBy(() -> Target.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(reason.strip());
    }

    @Test
    void refusesNullAndOverlongValuesAndValuesForAll() {
        assertThatThrownBy(() -> Target.parse(null)).hasMessage("no target");
        assertThatThrownBy(() -> Target.parse("peer:" + "x".repeat(129))).hasMessageStartingWith("bad target value");
        assertThat(Target.parse("peer:" + "x".repeat(128)).values()).hasSize(1);
        assertThatThrownBy(() -> new Target(Target.Kind.ALL, List.of("x"))).hasMessage("target 'all' takes no values");
        assertThatThrownBy(() -> new Target(Target.Kind.USERS, List.of()))
                .hasMessage("target 'users' needs at least one value");
    }

    @Test
    void allReachesEveryStudentAndNoTeacher() {
        assertThat(Target.all().matches("n1", Role.STUDENT, Set.of())).isTrue();
        assertThat(Target.all().matches("n1", Role.TEACHER, Set.of())).isFalse();
        assertThat(Target.role(Role.TEACHER).matches("n1", Role.TEACHER, Set.of())).isTrue();
        assertThat(Target.role(Role.TEACHER).matches("n1", Role.STUDENT, Set.of())).isFalse();
        assertThat(Target.peers("n1", "n2").matches("n2", Role.TEACHER, Set.of())).isTrue();
        assertThat(Target.peers("n1").matches("n3", Role.STUDENT, Set.of())).isFalse();
        assertThat(Target.users("alice").matches("n3", Role.STUDENT, Set.of("bob", "alice"))).isTrue();
        assertThat(Target.users("alice").matches("n3", Role.STUDENT, Set.of("bob"))).isFalse();
    }
}
