package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher jar a teacher copies to each computer (issue 20, item 10): under 8 MB, and the
 * shade plugin's filters cut nothing the code needs. What the filters keep of Bouncy Castle is
 * its lightweight API; a class dropped by mistake would fail at run time, on the path that uses
 * it, so this follows every reference from the code the jar ships whole (ClassChain, Jetty,
 * Jackson, SLF4J, picocli) through Bouncy Castle with the JDK's {@code jdeps}, and checks every
 * service the jar declares.
 */
@Timeout(120)
class ClassChainJarIT {

    static final Path JAR = PeerProcesses.JAR;
    /** Under 8 MB, as the issue asks (it was 16.1 MB, 11,667 entries). */
    static final long MAX_BYTES = 8_000_000;
    /** Jetty's optional JMX support refers to jetty-jmx, which the launcher does not ship (it never was in the jar). */
    static final String OPTIONAL = "org.eclipse.jetty.jmx.";
    /**
     * A lock's grab (X11Grab, a process of its own) uses the distribution's JNA, put on its class
     * path by the keeper: the jar does not ship it (its natives would take the jar past 8 MB).
     */
    static final String SYSTEM_JNA = "com.sun.jna.";

    @Test
    void isUnderEightMegabytes() throws IOException {
        long size = Files.size(JAR);
        assertThat(size).as("classchain.jar is %,d bytes; the largest parts:%n%s", size, largestParts())
                .isLessThan(MAX_BYTES);
    }

    @Test
    void everyClassTheCodeCanReachIsInTheJar() {
        // jdeps lists, for every class of the jar, each class it refers to: "A -> B  java.base",
        // "A -> B  classchain.jar", or "A -> B  not found"
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--multi-release", "17", "-verbose:class",
                "-filter:none", JAR.toString());
        assertThat(code).as(out.toString()).isZero();
        Map<String, List<String>> refersTo = new HashMap<>();
        Set<String> absent = new HashSet<>();
        Pattern edge = Pattern.compile("^\\s+(?:\\d+/)?(\\S+)\\s+->\\s+(\\S+)\\s+(.*)$");
        out.toString().lines().map(edge::matcher).filter(Matcher::matches).forEach(m -> {
            refersTo.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2));
            if (m.group(3).strip().equals("not found")) {
                absent.add(m.group(2));
            }
        });
        assertThat(refersTo).as("jdeps found the jar's classes").containsKey(ClassChainCli.class.getName());
        // Everything but Bouncy Castle is shipped whole, so its classes are where the code starts;
        // of Bouncy Castle, what they reach must be there. A class that nothing reaches may refer to
        // what was filtered out: it is never loaded.
        Deque<String> todo = new ArrayDeque<>();
        refersTo.keySet().stream().filter(c -> !c.startsWith("org.bouncycastle.")).forEach(todo::add);
        Set<String> reached = new HashSet<>(todo);
        Map<String, String> missing = new TreeMap<>();
        while (!todo.isEmpty()) {
            String from = todo.pop();
            for (String to : refersTo.getOrDefault(from, List.of())) {
                if (absent.contains(to) && !to.startsWith(OPTIONAL) && !to.startsWith(SYSTEM_JNA)) {
                    missing.putIfAbsent(to, from);
                } else if (refersTo.containsKey(to) && reached.add(to)) {
                    todo.push(to);
                }
            }
        }
        assertThat(missing).as("classes the launcher's code can reach that the jar lacks (missing one <- a class that refers to it)")
                .isEmpty();
        assertThat(reached).as("the launcher reaches Bouncy Castle's SRP-6a").contains(
                "org.bouncycastle.crypto.agreement.srp.SRP6Server", "org.bouncycastle.math.ec.rfc8032.Ed25519");
    }

    @Test
    void everyDeclaredServiceIsInTheJar() throws IOException {
        List<String> absent = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<JarEntry> services = jar.stream().filter(e -> e.getName().startsWith("META-INF/services/")
                    && !e.isDirectory()).toList();
            assertThat(services).extracting(JarEntry::getName).contains(
                    "META-INF/services/org.slf4j.spi.SLF4JServiceProvider",
                    "META-INF/services/org.classchain.spi.CommandModule",
                    "META-INF/services/com.fasterxml.jackson.core.JsonFactory");
            for (JarEntry service : services) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(jar.getInputStream(service),
                        StandardCharsets.UTF_8))) {
                    for (String line : r.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty())
                            .toList()) {
                        if (jar.getEntry(line.replace('.', '/') + ".class") == null) {
                            absent.add(service.getName() + ": " + line);
                        }
                    }
                }
            }
            assertThat(jar.getEntry("META-INF/services/java.security.Provider"))
                    .as("Bouncy Castle's JCA provider is not shipped: ClassChain calls its lightweight API only")
                    .isNull();
        }
        assertThat(absent).as("providers a ServiceLoader would fail to load").isEmpty();
    }

    /** The ten largest packages (three levels deep) by compressed size, for the failure message. */
    private static String largestParts() throws IOException {
        Map<String, Long> bytes = new TreeMap<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            jar.stream().filter(e -> !e.isDirectory()).forEach(e -> {
                String[] parts = e.getName().split("/");
                String key = String.join("/", List.of(parts).subList(0, Math.min(3, parts.length - 1)));
                bytes.merge(key, e.getCompressedSize(), Long::sum);
            });
        }
        return bytes.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(10).map(e -> String.format("  %,10d  %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n"));
    }
}
