package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.classchain.spi.CommandModule;
import org.junit.jupiter.api.Test;

/**
 * The example modules are found the same way on the module path ({@code provides} in
 * module-info) and on the class path (the {@code META-INF/services} file): one list, not two that
 * drift apart.
 */
class ModsModuleTest {

    @Test
    void theModuleProvidesExactlyTheModulesTheServicesFileLists() throws Exception {
        Path classes = Path.of(MessageModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor mods;
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            mods = ModuleDescriptor.read(in);
        }
        List<String> services = Files.readAllLines(classes.resolve("META-INF/services/" + CommandModule.class.getName()),
                StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();

        assertThat(mods.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(CommandModule.class.getName());
            assertThat(p.providers()).containsExactlyElementsOf(services);
        });
    }
}
