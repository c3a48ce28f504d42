package org.classchain.core.dispatch;

import java.io.Closeable;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import org.classchain.Command;
import org.classchain.ModuleInfo;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.CommandModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command modules of a peer, and the one place they are found: {@link ServiceLoader} over
 * the class path, then every {@code *.jar} of the mods folder in file-name order, each in its own
 * class loader whose parent is chain-api's, kept open until {@link #close()}.
 *
 * <p>Loading never fails as a whole: each provider is looked up and instantiated on its own, and
 * what goes wrong (an unreadable jar, a missing class, a constructor that throws, a name taken
 * twice, a module built for another major API version, a malformed name) refuses that provider
 * only, is logged as a warning and is listed by {@link #problems()}. Of two modules with one
 * name the first found stays, so a jar cannot replace a module of the class path.
 *
 * <p>The name, description, arguments and timeout of each module are read once, when it is
 * loaded. Immutable after loading and safe to share between threads; close it only after the
 * dispatcher that uses it.
 */
public final class ModuleRegistry implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleRegistry.class);
    private static final String SERVICES_FILE = "META-INF/services/" + CommandModule.class.getName();
    private static final String CLASS_PATH = "class path";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Stops a services iteration that keeps failing without advancing. */
    private static final int MAX_FAILURES_PER_SOURCE = 1000;

    /** A loaded module and what was read from it at load time. */
    record Entry(CommandModule module, String name, String description, List<ArgumentSpec> arguments,
                 Duration timeout, String source) {
    }

    private final Map<String, Entry> modules;
    private final List<String> problems;
    private final List<URLClassLoader> loaders;

    private ModuleRegistry(Map<String, Entry> modules, List<String> problems, List<URLClassLoader> loaders) {
        this.modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
        this.problems = List.copyOf(problems);
        this.loaders = List.copyOf(loaders);
    }

    /**
     * The modules found through {@code classPath} and in the jars of {@code modsDir}.
     *
     * @param classPath the class loader whose {@code META-INF/services} files are read, usually
     *     the application's
     * @param modsDir the mods folder, or null for none; a folder that does not exist holds no mods
     */
    public static ModuleRegistry load(ClassLoader classPath, Path modsDir) {
        Objects.requireNonNull(classPath, "classPath");
        Loading loading = new Loading();
        loading.addAll(ServiceLoader.load(CommandModule.class, classPath), CLASS_PATH);
        if (modsDir != null) {
            loading.addJars(modsDir);
        }
        ModuleRegistry registry = new ModuleRegistry(loading.modules, loading.problems, loading.loaders);
        LOG.info("{} command module(s): {}{}", registry.modules.size(), String.join(", ", registry.modules.keySet()),
                registry.problems.isEmpty() ? "" : " (" + registry.problems.size() + " problem(s), see warnings)");
        return registry;
    }

    /**
     * A registry of exactly these modules (tests, an application embedding its own), with source
     * "embedded".
     *
     * @throws IllegalArgumentException naming every module refused, as {@link #load} would refuse it
     */
    public static ModuleRegistry of(CommandModule... modules) {
        Loading loading = new Loading();
        for (CommandModule m : modules) {
            loading.add(Objects.requireNonNull(m, "module"), "embedded");
        }
        if (!loading.problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", loading.problems));
        }
        return new ModuleRegistry(loading.modules, List.of(), List.of());
    }

    /** The module of this name, if loaded. */
    public Optional<CommandModule> find(String name) {
        return entry(name).map(Entry::module);
    }

    Optional<Entry> entry(String name) {
        return Optional.ofNullable(modules.get(name));
    }

    /** The names of the loaded modules, sorted. */
    public List<String> names() {
        return modules.keySet().stream().sorted().toList();
    }

    /** Every loaded module, sorted by name, marked allowed or not by {@code policy}. */
    public List<ModuleInfo> describe(Policy policy) {
        return modules.values().stream().sorted(Comparator.comparing(Entry::name))
                .map(e -> new ModuleInfo(e.name(), e.description(), e.arguments(), e.source(), policy.permits(e.name())))
                .toList();
    }

    /** What went wrong while loading, one sentence each, in the order found; empty when nothing did. */
    public List<String> problems() {
        return problems;
    }

    /** Closes the class loaders of the mods' jars; their modules must not be used afterwards. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (URLClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ModuleRegistry" + modules.keySet();
    }

    /** The state of one load: filled in order, then frozen into a registry. */
    private static final class Loading {
        final Map<String, Entry> modules = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        final List<URLClassLoader> loaders = new ArrayList<>();

        void problem(String message) {
            LOG.warn(message);
            problems.add(message);
        }

        void addJars(Path modsDir) {
            if (!Files.exists(modsDir)) {
                LOG.debug("no mods folder at {}", modsDir);
                return;
            }
            if (!Files.isDirectory(modsDir)) {
                problem("the mods folder " + modsDir + " is not a folder");
                return;
            }
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(modsDir, "*.jar")) {
                for (Path p : dir) {
                    if (Files.isRegularFile(p)) {
                        jars.add(p);
                    }
                }
            } catch (IOException | RuntimeException e) {
                problem("cannot list the mods folder " + modsDir + ": " + describe(e));
                return;
            }
            jars.sort(Comparator.comparing(p -> p.getFileName().toString()));
            for (Path jar : jars) {
                addJar(jar);
            }
        }

        void addJar(Path jar) {
            String source = jar.getFileName().toString();
            // A URLClassLoader skips an unreadable jar silently, so open it first to say why.
            try (JarFile file = new JarFile(jar.toFile())) {
                if (file.getEntry(SERVICES_FILE) == null) {
                    problem(source + " holds no command module: it has no " + SERVICES_FILE);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                problem(source + " is not a readable jar: " + describe(e));
                return;
            }
            URLClassLoader loader;
            try {
                loader = new ModClassLoader(source, jar.toUri().toURL());
            } catch (IOException | RuntimeException e) {
                problem("cannot open " + source + ": " + describe(e));
                return;
            }
            loaders.add(loader);
            addAll(ServiceLoader.load(CommandModule.class, loader), source);
        }

        void addAll(ServiceLoader<CommandModule> serviceLoader, String source) {
            Iterator<ServiceLoader.Provider<CommandModule>> providers = serviceLoader.stream().iterator();
            int failures = 0;
            while (failures < MAX_FAILURES_PER_SOURCE) {
                ServiceLoader.Provider<CommandModule> provider;
                try {
                    if (!providers.hasNext()) {
                        return;
                    }
                    provider = providers.next();
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) { // ServiceConfigurationError, LinkageError: skip this provider only
                    failures++;
                    problem(source + ": a command module could not be loaded: " + describe(e));
                    continue;
                }
                String className = provider.type().getName();
                CommandModule module;
                try {
                    module = provider.get();
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    failures++;
                    problem(source + ": command module " + className + " could not be created: " + describe(e));
                    continue;
                }
                add(module, source);
            }
            problem(source + ": gave up after " + MAX_FAILURES_PER_SOURCE + " failures");
        }

        void add(CommandModule module, String source) {
            String className = module.getClass().getName();
            String name;
            String version;
            String description;
            List<ArgumentSpec> arguments;
            Duration timeout;
            try {
                name = module.name();
                version = module.apiVersion();
                description = module.description();
                arguments = List.copyOf(module.arguments());
                timeout = module.timeout();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                problem("command module " + className + " (" + source + ") is refused: it failed to describe itself: "
                        + describe(e));
                return;
            }
            if (!Command.isValidModuleName(name)) {
                problem("command module " + className + " (" + source + ") is refused: its name '" + name
                        + "' is not a module name (1-64 of a-z, 0-9 and '-', starting with a letter)");
                return;
            }
            String label = "command module '" + name + "' (" + className + ", " + source + ")";
            if (version == null) {
                LOG.warn("{} does not state the API version it was built for; loading it against API {}",
                        label, CommandModule.API_VERSION);
            } else if (!major(version).equals(major(CommandModule.API_VERSION))) {
                problem(label + " is refused: it was built for ClassChain API " + version
                        + " and this peer has API " + CommandModule.API_VERSION + " (the major versions differ)");
                return;
            }
            Entry existing = modules.get(name);
            if (existing != null) {
                problem(label + " is refused: the name '" + name + "' is already taken by "
                        + existing.module().getClass().getName() + " (" + existing.source()
                        + "); the first one found stays");
                return;
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                LOG.warn("{} states no usable timeout ({}); using {}", label, timeout, DEFAULT_TIMEOUT);
                timeout = DEFAULT_TIMEOUT;
            }
            modules.put(name, new Entry(module, name, description == null ? "" : description, arguments, timeout, source));
            LOG.debug("loaded {}", label);
        }

        private static String major(String version) {
            String v = version.trim();
            int dot = v.indexOf('.');
            return dot < 0 ? v : v.substring(0, dot);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            s.append(": ").append(e.getMessage());
        }
        Throwable cause = e.getCause();
        if (cause != null && cause != e) {
            s.append(" (caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                s.append(": ").append(cause.getMessage());
            }
            s.append(')');
        }
        return s.toString();
    }

    /**
     * The class loader of one mod jar: classes parent-first from chain-api's loader, but its
     * services file only from the jar itself, so that each jar names only its own modules.
     */
    private static final class ModClassLoader extends URLClassLoader {
        static {
            ClassLoader.registerAsParallelCapable();
        }

        ModClassLoader(String jarName, URL jar) {
            super("mod:" + jarName, new URL[] {jar}, CommandModule.class.getClassLoader());
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (SERVICES_FILE.equals(name)) {
                return findResources(name);
            }
            return super.getResources(name);
        }
    }
}
