package org.classchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link Target}: whatever it prints, {@code --target} reads back as the same target. */
class TargetProperties {

    @Property
    void whatItPrintsParsesBack(@ForAll("targets") Target target) {
        assertThat(Target.parse(target.toString())).isEqualTo(target);
    }

    @Provide
    Arbitrary<Target> targets() {
        Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').excludeChars(',').ofMinLength(1)
                .ofMaxLength(128);
        Arbitrary<List<String>> values = value.list().ofMinSize(1).ofMaxSize(5);
        return Arbitraries.oneOf(
                Arbitraries.just(Target.all()),
                values.map(v -> new Target(Target.Kind.PEERS, v)),
                values.map(v -> new Target(Target.Kind.USERS, v)),
                Arbitraries.of(Role.class).map(Target::role),
                Combinators.combine(Arbitraries.of(Role.class), Arbitraries.of(Role.class))
                        .as((a, b) -> new Target(Target.Kind.ROLE, List.of(a.name(), b.name()))));
    }
}
