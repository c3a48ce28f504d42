package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.classchain.PeerStatus;
import org.classchain.Role;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;

/**
 * Runs the packaged launcher ({@code target/classchain.jar}) as real processes for the *IT tests:
 * peers whose standard output and error go to files in {@code dir} (appended across restarts),
 * headless so that messages become notices, and one-shot commands. Closing kills what is left.
 */
final class PeerProcesses implements AutoCloseable {

    static final Path JAR = Path.of("target", "classchain.jar").toAbsolutePath();
    static final Pattern STARTED = Pattern.compile("ClassChain peer (\\w+) is the (\\w+) of chain (\\w+) at (\\S+) ");

    /** A peer process that printed its start line. */
    record Running(Process process, String nodeId, Role role, String url) {
    }

    /** What a one-shot command printed and its exit status. */
    record Result(int exit, String output) {
    }

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    PeerProcesses(Path dir) {
        assertThat(JAR).as("the launcher jar (built by `mvn package`)").exists();
        this.dir = dir;
    }

    ProcessBuilder java(String... args) {
        return java(List.of(), args);
    }

    /** The launcher with these JVM options (e.g. {@code -Djava.io.tmpdir=DIR}) and arguments. */
    ProcessBuilder java(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Djava.awt.headless=true"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("DISPLAY");
        pb.environment().remove("CLASSCHAIN_PASSWORD");
        return pb;
    }

    /** The log file of peer {@code name} (its standard error, all runs). */
    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** The data dir of peer {@code name}. */
    Path dataDir(String name) {
        return dir.resolve(name);
    }

    /**
     * Starts peer {@code name} on 127.0.0.1, an ephemeral port and its data dir, and waits for its
     * start line.
     *
     * @throws AssertionError if it exits or does not print it within {@code timeout}
     */
    Running peer(String name, Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = dir.resolve(name + ".out");
        long seen = Files.exists(out) ? Files.readAllLines(out).stream().filter(l -> STARTED.matcher(l).find()).count() : 0;
        Process p = launch(name, args);
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            List<Matcher> starts = lines.stream().map(STARTED::matcher).filter(Matcher::find).toList();
            if (starts.size() > seen) {
                Matcher m = starts.get(starts.size() - 1);
                return new Running(p, m.group(1), Role.valueOf(m.group(2)), m.group(4));
            }
            if (!p.isAlive()) {
                throw new AssertionError(name + " exited (" + p.exitValue() + ") before serving: "
                        + tail(log(name), 40));
            }
            Thread.sleep(25);
        }
        p.destroyForcibly();
        throw new AssertionError(name + " did not start within " + timeout + ": " + tail(log(name), 40));
    }

    /** Starts the teacher's peer ({@code teacher}, user {@code teacher}), writing its password to {@code pw}. */
    Running teacher(Path pw) throws IOException, InterruptedException {
        Files.writeString(pw, "a teacher's secret\n");
        return peer("teacher", Duration.ofSeconds(60), "--user", "teacher", "--password-file", pw.toString());
    }

    /** Starts peer {@code name} as {@link #peer} does, without waiting for anything. */
    Process launch(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("peer", "--host", "127.0.0.1", "--port", "0", "--difficulty", "10",
                "--data-dir", dataDir(name).toString()));
        all.addAll(List.of(args));
        Process p = java(all.toArray(String[]::new))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".out").toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(log(name).toFile())).start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    /** Runs a one-shot launcher command and waits for it. */
    Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run(List.of(), timeout, args);
    }

    /** Runs a one-shot launcher command with these JVM options and waits for it. */
    Result run(List<String> jvmOptions, Duration timeout, String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("cli-" + System.nanoTime() + ".out");
        Process p = java(jvmOptions, args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** What the peer at {@code url} says of itself ({@code GET /status}, plain http). */
    static PeerStatus status(String url) throws Exception {
        try (JettyTransport t = JettyTransport.builder().build()) {
            return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10)).status(url);
        }
    }

    static String tail(Path file, int lines) throws IOException {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) {
                p.destroyForcibly();
            }
            for (Process p : processes) {
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
