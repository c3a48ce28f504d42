package org.classchain.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.classchain.core.peer.Peer;
import org.junit.jupiter.api.Test;

/**
 * chain-core's module descriptor, as compiled: an embedding app sees the packages it needs and
 * not the internals ({@code cache}, {@code mining}); mods are found through the module's
 * {@code uses}. (Tests run on the class path, so this reads the descriptor rather than relying on
 * the module system to refuse an access.)
 */
class ModuleSurfaceTest {

    /** The descriptor in the jar or classes folder that holds {@code type}. */
    static ModuleDescriptor descriptorOf(Class<?> type) throws IOException, URISyntaxException {
        Path where = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(where)) {
            try (InputStream in = Files.newInputStream(where.resolve("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        }
        try (JarFile jar = new JarFile(where.toFile()); InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void chainCoreExportsWhatAnEmbeddingAppNeedsAndNotItsInternals() throws Exception {
        ModuleDescriptor core = descriptorOf(Peer.class);

        assertThat(core.name()).isEqualTo("org.classchain.core");
        assertThat(core.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .map(e -> e.source() + " to " + e.targets()))
                .containsExactly("org.classchain.core.limit to [org.classchain.http]");
        assertThat(core.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("org.classchain.core.peer", "org.classchain.core.client",
                        "org.classchain.core.dispatch", "org.classchain.core.exec", "org.classchain.core.auth",
                        "org.classchain.core.identity", "org.classchain.core.net", "org.classchain.core.block",
                        "org.classchain.core.store", "org.classchain.core.chain", "org.classchain.core.validation",
                        "org.classchain.core.files")
                .doesNotContain("org.classchain.core.cache", "org.classchain.core.mining");
        assertThat(core.uses()).containsExactly("org.classchain.spi.CommandModule");
        assertThat(core.requires().stream().map(ModuleDescriptor.Requires::name))
                .contains("org.classchain.api").noneMatch(n -> n.startsWith("org.eclipse.jetty"));
    }
}
