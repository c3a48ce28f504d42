package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.Test;

class MessageModuleTest {

    private final MessageModule module = new MessageModule();

    private static Command command(Map<String, String> args) {
        return new Command(UUID.randomUUID(), "message", Target.all(), args, Instant.now().plusSeconds(60));
    }

    private static ModuleContext context(Map<Class<?>, Object> services) {
        return new ModuleContext() {
            @Override
            public String nodeId() {
                return "n1";
            }

            @Override
            public Set<String> signedInUsers() {
                return Set.of();
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                return Optional.ofNullable(services.get(type)).map(type::cast);
            }
        };
    }

    @Test
    void argumentsAreChecked() {
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of())).anyMatch(p -> p.contains("missing argument 'text'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("text", "hi", "seconds", "soon")))
                .anyMatch(p -> p.contains("'seconds'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("text", "hi", "colour", "red")))
                .anyMatch(p -> p.contains("unknown argument 'colour'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("text", "hi"))).isEmpty();
    }

    @Test
    void headlessTheTextBecomesANotice() {
        List<String> notices = new ArrayList<>();
        NoticeService service = (title, text) -> notices.add(title + "|" + text);
        Outcome o = module.execute(context(Map.of(NoticeService.class, service)), command(Map.of("text", "Eyes up")));
        assertThat(o.success()).isTrue();
        assertThat(o.detail()).contains("notice");
        assertThat(notices).containsExactly("Message from your teacher|Eyes up");
    }

    @Test
    void overlongTextFails() {
        Outcome o = module.execute(context(Map.of()), command(Map.of("text", "x".repeat(2001))));
        assertThat(o.success()).isFalse();
    }
}
