package org.classchain.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.classchain.spi.CommandModule;

/**
 * Builds third-party mod jars the way a mod author would: Java sources compiled against the
 * chain-api classes alone, packed with a {@code META-INF/services} file. Public for the peer tests.
 */
public final class ModJars {
    private ModJars() {
    }

    public static final String SERVICES = "META-INF/services/" + CommandModule.class.getName();

    /** Where chain-api's classes are (its jar or classes folder). */
    public static Path apiLocation() {
        try {
            return Path.of(CommandModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles {@code sources} (fully qualified class name → source) against chain-api only.
     *
     * @return the folder of class files
     */
    public static Path compile(Path work, Map<String, String> sources) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK with javac").isNotNull();
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-classpath", apiLocation().toString(),
                    "-d", classes.toString(), "-proc:none");
            Boolean ok = compiler.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files)).call();
            assertThat(ok).as("mods compile: %s", diagnostics.getDiagnostics()).isTrue();
        }
        return classes;
    }

    /**
     * Writes a jar holding the class files of {@code classNames} (with their nested classes) and a
     * services file listing {@code services}.
     */
    public static Path jar(Path jar, Path classes, List<String> classNames, List<String> services) throws IOException {
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String className : classNames) {
                Path dir = classes.resolve(className.replace('.', '/')).getParent();
                String simple = className.substring(className.lastIndexOf('.') + 1);
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().equals(simple + ".class")
                            || f.getFileName().toString().startsWith(simple + "$")).toList()) {
                        put(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            }
            if (services != null) {
                put(out, SERVICES, ("# mods\n" + String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    /** The source of a module named {@code name} that states {@code apiVersion} (a Java expression). */
    public static String module(String className, String name, String apiVersionExpression, String executeBody) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "import java.util.List;\n"
                + "import org.classchain.Command;\n"
                + "import org.classchain.spi.*;\n"
                + "public class " + className.substring(dot + 1) + " implements CommandModule {\n"
                + "  @Override public String name() { return \"" + name + "\"; }\n"
                + "  @Override public String apiVersion() { return " + apiVersionExpression + "; }\n"
                + "  @Override public String description() { return \"" + name + " from a jar\"; }\n"
                + "  @Override public List<ArgumentSpec> arguments() {\n"
                + "    return List.of(ArgumentSpec.optional(\"who\", ArgumentType.STRING, \"class\", \"whom to greet\"));\n"
                + "  }\n"
                + "  @Override public Outcome execute(ModuleContext context, Command command) {\n"
                + "    " + executeBody + "\n"
                + "  }\n"
                + "}\n";
    }
}
