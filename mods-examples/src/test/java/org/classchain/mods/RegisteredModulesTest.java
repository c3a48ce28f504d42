package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.CommandModule;
import org.junit.jupiter.api.Test;

class RegisteredModulesTest {

    private static List<CommandModule> loaded() {
        return ServiceLoader.load(CommandModule.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    @Test
    void everyModuleIsFoundByTheServiceLoader() {
        assertThat(loaded()).extracting(CommandModule::name)
                .containsExactly("message", "blackout", "unblackout", "lock", "unlock", "close-apps", "send-file", "open-url", "screenshot", "web-limits", "wake-on-lan", "power");
    }

    @Test
    void everyModuleStatesItsApiAndDescribesItself() {
        for (CommandModule m : loaded()) {
            assertThat(m.apiVersion()).as(m.name()).isEqualTo(CommandModule.API_VERSION);
            assertThat(Command.isValidModuleName(m.name())).as(m.name()).isTrue();
            assertThat(m.description()).as(m.name()).isNotBlank();
            for (ArgumentSpec a : m.arguments()) {
                assertThat(a.description()).as(m.name() + " " + a.name()).isNotBlank();
                if (a.defaultValue() != null) {
                    assertThat(a.type().problemWith(a.defaultValue())).as(m.name() + " " + a.name() + " default").isEmpty();
                }
                assertThat(a.required() && a.defaultValue() != null).as(m.name() + " " + a.name()).isFalse();
            }
        }
    }
}
