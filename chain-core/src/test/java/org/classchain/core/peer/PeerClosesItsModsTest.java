package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.dispatch.ModJars;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.net.InMemoryNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that loaded mods from its mods folder closes their class loaders when it closes (each
 * holds its jar open: a class that starts and stops peers would leak one per peer); a registry
 * the embedding app gave it stays the app's to close.
 */
class PeerClosesItsModsTest {
    private static final String CLASS = "com.example.hello.HelloModule";
    private static final String CLASS_FILE = CLASS.replace('.', '/') + ".class";

    @TempDir
    Path work;

    @Test
    @Timeout(60)
    void closingThePeerClosesTheClassLoadersOfTheModsItLoaded() throws Exception {
        Path mods = modsFolder();
        try (InMemoryNetwork net = new InMemoryNetwork(7, 2)) {
            Peer teacher = teacher(net).modsDir(mods).build();
            teacher.start();
            ClassLoader loader = loaderOfHello(teacher.modules());
            assertThat(loader.getResource(CLASS_FILE)).as("the mod's jar, open while the peer runs").isNotNull();

            teacher.close();

            assertThat(loader.getResource(CLASS_FILE)).as("the mod's jar after the peer closed").isNull();
        }
    }

    @Test
    @Timeout(60)
    void aRegistryGivenByTheAppStaysOpenAfterThePeerCloses() throws Exception {
        try (InMemoryNetwork net = new InMemoryNetwork(8, 2);
             ModuleRegistry given = ModuleRegistry.load(getClass().getClassLoader(), modsFolder())) {
            Peer teacher = teacher(net).modules(given).build();
            teacher.start();
            teacher.close();

            assertThat(loaderOfHello(given).getResource(CLASS_FILE)).as("the app's registry, still its own").isNotNull();
        }
    }

    private static Peer.Builder teacher(InMemoryNetwork net) {
        return Peer.builder().transport(net.newTransport()).account("teacher", "pw").difficultyBits(4)
                .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(100));
    }

    private Path modsFolder() throws Exception {
        Path classes = ModJars.compile(work.resolve("build"), Map.of(CLASS, ModJars.module(CLASS, "hello-mod",
                "API_VERSION", "return Outcome.executed(\"hello\");")));
        Path mods = Files.createDirectories(work.resolve("mods"));
        ModJars.jar(mods.resolve("hello.jar"), classes, List.of(CLASS), List.of(CLASS));
        return mods;
    }

    private static ClassLoader loaderOfHello(ModuleRegistry modules) {
        ClassLoader loader = modules.find("hello-mod").orElseThrow().getClass().getClassLoader();
        assertThat(loader).as("a loader of its own, not the class path's").isNotSameAs(Peer.class.getClassLoader());
        return loader;
    }
}
