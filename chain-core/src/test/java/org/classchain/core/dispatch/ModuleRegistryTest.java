package org.classchain.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.classchain.Command;
import org.classchain.ModuleInfo;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Discovery for real: the test class path's services file, and mod jars compiled here. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModuleRegistryTest {

    @TempDir
    static Path work;
    static Path mods;

    /** Compiles the third-party mods once and lays out the mods folder. */
    @BeforeAll
    static void buildMods() throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("com.example.hello.HelloModule", ModJars.module("com.example.hello.HelloModule", "hello-mod",
                "API_VERSION", "return Outcome.executed(\"hello \" + argument(command, \"who\") + \" via \""
                        + " + getClass().getClassLoader().getName());"));
        sources.put("com.example.twin.a.TwinModule", ModJars.module("com.example.twin.a.TwinModule", "twin",
                "API_VERSION", "return Outcome.executed(\"a\");"));
        sources.put("com.example.twin.b.TwinModule", ModJars.module("com.example.twin.b.TwinModule", "twin",
                "API_VERSION", "return Outcome.executed(\"b\");"));
        sources.put("com.example.future.FutureModule", ModJars.module("com.example.future.FutureModule", "future-mod",
                "\"2.0\"", "return Outcome.executed(\"from the future\");"));
        sources.put("com.example.mixed.MixedModule", ModJars.module("com.example.mixed.MixedModule", "mixed-mod",
                "\"1.7\"", "return Outcome.executed(\"mixed\");"));
        sources.put("com.example.angry.AngryModule", ModJars.module("com.example.angry.AngryModule", "angry", "null",
                "return Outcome.executed(\"never\");").replace("public class AngryModule implements CommandModule {",
                "public class AngryModule implements CommandModule {\n"
                        + "  public AngryModule() { throw new IllegalStateException(\"no desktop here\"); }"));
        sources.put("com.example.clash.EchoClash", ModJars.module("com.example.clash.EchoClash",
                ClasspathEchoModule.NAME, "API_VERSION", "return Outcome.executed(\"impostor\");"));
        sources.put("com.example.mixed.Base", "package com.example.mixed;\npublic abstract class Base {}\n");
        sources.put("com.example.mixed.Orphan", ModJars.module("com.example.mixed.Orphan", "orphan", "API_VERSION",
                "return Outcome.executed(\"never\");").replace("implements CommandModule", "extends Base implements CommandModule"));
        Path classes = ModJars.compile(work.resolve("build"), sources);

        mods = Files.createDirectories(work.resolve("mods"));
        ModJars.jar(mods.resolve("hello.jar"), classes, List.of("com.example.hello.HelloModule"),
                List.of("com.example.hello.HelloModule"));
        ModJars.jar(mods.resolve("twin-a.jar"), classes, List.of("com.example.twin.a.TwinModule"),
                List.of("com.example.twin.a.TwinModule"));
        ModJars.jar(mods.resolve("twin-b.jar"), classes, List.of("com.example.twin.b.TwinModule"),
                List.of("com.example.twin.b.TwinModule"));
        ModJars.jar(mods.resolve("future.jar"), classes, List.of("com.example.future.FutureModule"),
                List.of("com.example.future.FutureModule"));
        ModJars.jar(mods.resolve("missing.jar"), classes, List.of(), List.of("com.example.gone.Missing"));
        // Orphan's superclass Base is left out: loading Orphan throws a raw NoClassDefFoundError.
        ModJars.jar(mods.resolve("mixed.jar"), classes, List.of("com.example.mixed.MixedModule", "com.example.mixed.Orphan"),
                List.of("com.example.mixed.Nowhere", "com.example.mixed.Orphan", "com.example.mixed.MixedModule"));
        ModJars.jar(mods.resolve("angry.jar"), classes, List.of("com.example.angry.AngryModule"),
                List.of("com.example.angry.AngryModule"));
        ModJars.jar(mods.resolve("clash.jar"), classes, List.of("com.example.clash.EchoClash"),
                List.of("com.example.clash.EchoClash"));
        ModJars.jar(mods.resolve("empty.jar"), classes, List.of(), null);
        Files.write(mods.resolve("broken.jar"), "this is not a zip file at all".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(mods.resolve("README.txt"), "not a jar, not looked at");
    }

    private ModuleRegistry loadAll() {
        return ModuleRegistry.load(getClass().getClassLoader(), mods);
    }

    private static String problemAbout(ModuleRegistry registry, String text) {
        return registry.problems().stream().filter(p -> p.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no problem mentions " + text + " in " + registry.problems()));
    }

    @Test
    void findsTheClassPathModuleThroughItsServicesFile() throws IOException {
        try (ModuleRegistry registry = ModuleRegistry.load(getClass().getClassLoader(), null)) {
            assertThat(registry.find(ClasspathEchoModule.NAME)).get().isInstanceOf(ClasspathEchoModule.class);
            assertThat(registry.describe(Policy.allowAll())).filteredOn(m -> m.name().equals(ClasspathEchoModule.NAME))
                    .singleElement().satisfies(m -> {
                        assertThat(m.source()).isEqualTo("class path");
                        assertThat(m.description()).isEqualTo("Echoes its text");
                        assertThat(m.arguments()).extracting(a -> a.name()).containsExactly("text");
                        assertThat(m.allowed()).isTrue();
                    });
            assertThat(registry.problems()).isEmpty();
        }
    }

    @Test
    void aModsFolderThatDoesNotExistHoldsNoMods() throws IOException {
        try (ModuleRegistry registry = ModuleRegistry.load(getClass().getClassLoader(), work.resolve("no-such-dir"))) {
            assertThat(registry.find(ClasspathEchoModule.NAME)).isPresent();
            assertThat(registry.problems()).isEmpty();
        }
    }

    @Test
    void loadsAModJarInItsOwnClassLoader() throws Exception {
        try (ModuleRegistry registry = loadAll()) {
            CommandModule hello = registry.find("hello-mod").orElseThrow();
            ClassLoader loader = hello.getClass().getClassLoader();
            assertThat(loader).isInstanceOf(URLClassLoader.class).isNotSameAs(getClass().getClassLoader());
            assertThat(loader.getParent()).isSameAs(CommandModule.class.getClassLoader());
            assertThatThrownBy(() -> Class.forName("com.example.hello.HelloModule", false, getClass().getClassLoader()))
                    .as("the mod is not on the test class path").isInstanceOf(ClassNotFoundException.class);
            assertThat(registry.find("mixed-mod")).as("a missing class beside it does not stop it").isPresent();
            assertThat(registry.find(ClasspathEchoModule.NAME)).get().isInstanceOf(ClasspathEchoModule.class);
            assertThat(registry.describe(Policy.deny(Set.of("hello-mod"))))
                    .filteredOn(m -> m.name().equals("hello-mod")).singleElement()
                    .satisfies(m -> {
                        assertThat(m.source()).isEqualTo("hello.jar");
                        assertThat(m.allowed()).isFalse();
                    });
            assertThat(registry.describe(Policy.allowAll())).extracting(ModuleInfo::name)
                    .containsExactly(ClasspathEchoModule.NAME, "hello-mod", "mixed-mod", "twin");
        }
    }

    @Test
    void brokenJarsAreReportedAndDoNotStopLoading() throws IOException {
        try (ModuleRegistry registry = loadAll()) {
            assertThat(problemAbout(registry, "broken.jar")).contains("not a readable jar");
            assertThat(problemAbout(registry, "missing.jar")).contains("com.example.gone.Missing");
            assertThat(problemAbout(registry, "Nowhere")).contains("mixed.jar", "not found");
            assertThat(problemAbout(registry, "NoClassDefFoundError")).contains("mixed.jar", "com/example/mixed/Base");
            assertThat(problemAbout(registry, "angry.jar")).contains("could not be created", "no desktop here");
            assertThat(problemAbout(registry, "empty.jar")).contains("no " + ModJars.SERVICES);
            assertThat(registry.problems()).noneMatch(p -> p.contains("README"));
            assertThat(registry.find("hello-mod")).isPresent();
        }
    }

    @Test
    void aDuplicateNameIsRefusedNamingBothJars() throws IOException {
        try (ModuleRegistry registry = loadAll()) {
            assertThat(registry.find("twin")).get().extracting(m -> m.getClass().getName())
                    .isEqualTo("com.example.twin.a.TwinModule");
            assertThat(problemAbout(registry, "'twin'")).contains("twin-a.jar", "twin-b.jar", "refused");
            assertThat(problemAbout(registry, "clash.jar")).contains("class path", "refused");
            assertThat(registry.find(ClasspathEchoModule.NAME)).get().isInstanceOf(ClasspathEchoModule.class);
        }
    }

    @Test
    void aModBuiltForAnotherMajorApiVersionIsRefused() throws IOException {
        try (ModuleRegistry registry = loadAll()) {
            assertThat(registry.find("future-mod")).isEmpty();
            assertThat(problemAbout(registry, "future-mod"))
                    .contains("future.jar", "API 2.0", "API " + CommandModule.API_VERSION, "refused");
            assertThat(registry.find("mixed-mod")).as("1.7 runs on 1.0: same major").isPresent();
        }
    }

    @Test
    void aModFromAJarRunsThroughTheDispatcher() throws Exception {
        NodeIdentity identity = NodeIdentity.generate(new SecureRandom());
        LinkedBlockingQueue<Receipt> receipts = new LinkedBlockingQueue<>();
        try (ModuleRegistry registry = loadAll();
             Dispatcher dispatcher = Dispatcher.builder().identity(identity).role(() -> Role.STUDENT)
                     .signedInUsers(Set::of).registry(registry).log(new InMemoryExecutionLog())
                     .clock(Clock.systemUTC()).receipts((c, r) -> receipts.add(r)).build()) {
            Instant later = Instant.now().plus(Duration.ofMinutes(5));
            Command hello = new Command(UUID.randomUUID(), "hello-mod", Target.all(), Map.of("who", "students"), later);
            Command twin = new Command(UUID.randomUUID(), "twin", Target.all(), Map.of(), later);
            Command future = new Command(UUID.randomUUID(), "future-mod", Target.all(), Map.of(), later);
            dispatcher.submit(List.of(hello, twin, future));
            assertThat(dispatcher.awaitIdle(Duration.ofSeconds(10))).isTrue();

            assertThat(receipts).extracting(Receipt::commandId).containsExactly(hello.id(), twin.id(), future.id());
            Receipt first = receipts.poll();
            assertThat(first.status()).isEqualTo(ReceiptStatus.EXECUTED);
            assertThat(first.detail()).isEqualTo("hello students via mod:hello.jar");
            assertThat(receipts.poll().detail()).isEqualTo("a");
            assertThat(receipts.poll().status()).as("refused at load, so unknown here").isEqualTo(ReceiptStatus.UNKNOWN_MODULE);
        }
    }

    @Test
    void embeddedModulesAreCheckedLikeLoadedOnes() {
        CommandModule unversioned = new CommandModule() {
            @Override
            public String name() {
                return "quiet";
            }

            @Override
            public Outcome execute(ModuleContext context, Command command) {
                return Outcome.executed("");
            }
        };
        assertThat(ModuleRegistry.of(unversioned).find("quiet")).as("no stated version: loaded with a warning").isPresent();
        assertThat(ModuleRegistry.of(unversioned).describe(Policy.allowAll())).singleElement()
                .extracting(ModuleInfo::source).isEqualTo("embedded");
        assertThatThrownBy(() -> ModuleRegistry.of(unversioned, unversioned))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'quiet'").hasMessageContaining("taken");
        CommandModule badName = new CommandModule() {
            @Override
            public String name() {
                return "Bad Name";
            }

            @Override
            public Outcome execute(ModuleContext context, Command command) {
                return Outcome.executed("");
            }
        };
        assertThatThrownBy(() -> ModuleRegistry.of(badName)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Bad Name' is not a module name");
    }
}
