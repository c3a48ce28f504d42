package org.classchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** chain-api, as compiled: the JDK's java.base only, its types, the mod SPI and the protocol. */
class ApiModuleTest {

    @Test
    void chainApiNeedsOnlyJavaBaseAndExportsTheTypesTheSpiAndTheProtocol() throws Exception {
        Path where = Path.of(Hash.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor api;
        if (Files.isDirectory(where)) {
            try (InputStream in = Files.newInputStream(where.resolve("module-info.class"))) {
                api = ModuleDescriptor.read(in);
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile());
                 InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
                api = ModuleDescriptor.read(in);
            }
        }
        assertThat(api.name()).isEqualTo("org.classchain.api");
        assertThat(api.requires().stream().map(ModuleDescriptor.Requires::name)).containsExactly("java.base");
        assertThat(api.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("org.classchain", "org.classchain.spi", "org.classchain.spi.host",
                        "org.classchain.wire");
    }
}
