package org.classchain.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The footprint of a student peer as a teacher's IT admin would run it: separate processes of
 * the launcher jar ({@code java -jar classchain.jar peer ...}), a teacher and a student.
 *
 * <ul>
 *   <li>start-up: from launching a fresh student (its own new data dir, joining the teacher) to
 *       its first 200 answer to {@code GET /api/v1/status}, over several starts; reference: a
 *       bare JVM of the same {@code java} launching a trivial main and exiting.</li>
 *   <li>idle: the last student, started with {@code -Xmx64m}, left idle; its CPU time over the
 *       idle window from {@code /proc/PID/stat}, then heap used after a full GC
 *       ({@code jcmd PID GC.run}, {@code jcmd PID GC.heap_info}), and whether it is still
 *       alive; reference: a bare idle JVM measured the same way in the same window. The window
 *       starts a minute after start-up: a classroom computer idles for hours, and in the first
 *       minute the JIT is still compiling the paths of the tick.</li>
 * </ul>
 *
 * <p>Usage: {@code Footprint [classchain.jar] [idle seconds] [starts]} (default
 * samples/target/classchain.jar 60 5).
 */
public final class Footprint {

    private static final Pattern ADDRESS = Pattern.compile("at (http://\\S+) \\(console");
    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private Footprint() {
    }

    /** A trivial main: prints and exits, or with "idle" sleeps (the bare-JVM reference). */
    public static final class Bare {
        private Bare() {
        }

        public static void main(String[] args) throws InterruptedException {
            System.out.println("bare JVM up");
            if (args.length > 0 && args[0].equals("idle")) {
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "samples/target/classchain.jar");
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int starts = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is missing: build it with mvn -pl samples -am package");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String selfJar = Path.of(Footprint.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Path root = Files.createTempDirectory("classchain-footprint");
        List<Process> processes = new ArrayList<>();
        System.out.printf("== footprint: %s, %d starts, %d s idle%n", jar, starts, idleSeconds);
        try {
            Path pw = root.resolve("password");
            Files.writeString(pw, "correct horse battery staple\n");
            Process teacher = launch(processes, java, List.of("-jar", jar.toString(), "peer", "--host", "127.0.0.1",
                    "--port", "0", "--user", "teacher", "--password-file", pw.toString(), "--data-dir",
                    root.resolve("teacher").toString()));
            String teacherUrl = awaitAddress(teacher, Duration.ofSeconds(60)).join();
            System.out.println("  teacher at " + teacherUrl);

            List<Double> bare = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                long t = System.nanoTime();
                Process p = launch(processes, java, List.of("-cp", selfJar, Bare.class.getName()));
                p.getInputStream().transferTo(OutputStream.nullOutputStream());
                p.waitFor(30, TimeUnit.SECONDS);
                bare.add((System.nanoTime() - t) / 1e6);
            }

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            List<Double> startup = new ArrayList<>();
            Process student = null;
            for (int i = 0; i < starts; i++) {
                if (student != null) {
                    stop(student);
                }
                long t = System.nanoTime();
                student = launch(processes, java, List.of("-Xmx64m", "-jar", jar.toString(), "peer", "--host",
                        "127.0.0.1", "--port", "0", "--seed", teacherUrl, "--data-dir",
                        root.resolve("student-" + i).toString()));
                String url = awaitAddress(student, Duration.ofSeconds(60)).join();
                awaitStatus(http, url, Duration.ofSeconds(30));
                double ms = (System.nanoTime() - t) / 1e6;
                startup.add(ms);
                System.out.printf("  student start %d: %.0f ms to a 200 from %s/api/v1/status%n", i + 1, ms, url);
            }

            Process idleBare = launch(processes, java, List.of("-Xmx64m", "-cp", selfJar, Bare.class.getName(), "idle"));
            Thread.sleep(SETTLE.toMillis()); // past start-up: the JIT has compiled the tick's path
            long clk = clockTicks();
            long s0 = cpuTicks(student.pid());
            long b0 = cpuTicks(idleBare.pid());
            Thread.sleep(idleSeconds * 1000L);
            double studentCpu = 100.0 * (cpuTicks(student.pid()) - s0) / clk / idleSeconds;
            double bareCpu = 100.0 * (cpuTicks(idleBare.pid()) - b0) / clk / idleSeconds;
            double studentHeap = heapUsedAfterGc(student.pid());
            double bareHeap = heapUsedAfterGc(idleBare.pid());
            boolean alive = student.isAlive();
            long threads = threads(student.pid());
            long rss = rssKb(student.pid());

            stop(student);
            stop(idleBare);
            List<Double> cds = startsWithAppCds(processes, java, jar, teacherUrl, root, http, starts);

            double startP50 = Results.quantile(startup, 0.5);
            double bareP50 = Results.quantile(bare, 0.5);
            Results.record("idle-heap", Results.f("%.1f MB heap after GC, %.2f%% CPU", studentHeap, studentCpu),
                    Results.f("bare idle JVM %.1f MB, %.2f%% CPU", bareHeap, bareCpu),
                    Results.f("%.1f", studentHeap / bareHeap), "< 64 MB heap, ~0% CPU",
                    alive && studentHeap < 64 && studentCpu < 1.0);
            Results.record("start-up", Results.f("%.0f ms (median of %d)", startP50, starts),
                    Results.f("bare JVM start+exit %.0f ms", bareP50), Results.f("%.1f", startP50 / bareP50), "< 1 s",
                    startP50 < 1000);
            Results.detail("idle-heap", Results.f("student peer started with -Xmx64m, idle %d s after a %d s settle: "
                    + "CPU %.2f%% of one core, heap used after a full GC %.1f MB, still running: %s, %d threads, "
                    + "RSS %.0f MB", idleSeconds, SETTLE.toSeconds(), studentCpu, studentHeap, alive, threads, rss / 1024.0));
            Results.detail("start-up", Results.f("fresh student, new data dir, joining a teacher process: each start "
                    + "%s ms; bare JVM start+exit %s ms", join(startup), join(bare)));
            if (!cds.isEmpty()) {
                Results.detail("start-up", Results.f("the same with an AppCDS archive of the launcher's classes "
                        + "(-XX:SharedArchiveFile, written by one earlier run with -XX:ArchiveClassesAtExit): each "
                        + "start %s ms, median %.0f ms", join(cds), Results.quantile(cds, 0.5)));
            }
        } finally {
            for (Process p : processes) {
                stop(p);
            }
            try (var files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Start-up with a class-data-sharing archive of the launcher's own classes: a training run
     * writes it on exit, then fresh students start with it. Empty when the archive was not made.
     */
    private static List<Double> startsWithAppCds(List<Process> processes, String java, Path jar, String teacherUrl,
                                                 Path root, HttpClient http, int starts) throws Exception {
        Path jsa = root.resolve("classchain.jsa");
        Process train = launch(processes, java, List.of("-Xmx64m", "-XX:ArchiveClassesAtExit=" + jsa, "-jar",
                jar.toString(), "peer", "--host", "127.0.0.1", "--port", "0", "--seed", teacherUrl, "--data-dir",
                root.resolve("student-cds-train").toString()));
        awaitStatus(http, awaitAddress(train, Duration.ofSeconds(60)).join(), Duration.ofSeconds(30));
        stop(train);
        List<Double> ms = new ArrayList<>();
        if (!Files.isRegularFile(jsa)) {
            System.out.println("  no AppCDS archive was written; skipping that variant");
            return ms;
        }
        for (int i = 0; i < starts; i++) {
            long t = System.nanoTime();
            Process p = launch(processes, java, List.of("-Xmx64m", "-XX:SharedArchiveFile=" + jsa, "-jar",
                    jar.toString(), "peer", "--host", "127.0.0.1", "--port", "0", "--seed", teacherUrl, "--data-dir",
                    root.resolve("student-cds-" + i).toString()));
            awaitStatus(http, awaitAddress(p, Duration.ofSeconds(60)).join(), Duration.ofSeconds(30));
            ms.add((System.nanoTime() - t) / 1e6);
            stop(p);
        }
        return ms;
    }

    private static String join(List<Double> values) {
        return String.join(", ", values.stream().map(v -> Results.f("%.0f", v)).toList());
    }

    private static Process launch(List<Process> all, String java, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        all.add(p);
        return p;
    }

    /** The address a launcher prints once its peer serves; the rest of its output is drained. */
    private static CompletableFuture<String> awaitAddress(Process p, Duration timeout) {
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = ADDRESS.matcher(line);
                    if (m.find()) {
                        address.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            address.completeExceptionally(new IllegalStateException("the peer process ended without serving"));
        }, "bench-footprint-output-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        return address.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void awaitStatus(HttpClient http, String url, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/v1/status")).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < end) {
            try {
                if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not serving yet
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(url + " did not answer /api/v1/status within " + timeout);
    }

    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static long clockTicks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor();
        return Long.parseLong(out);
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat;
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/" + pid + "/stat"))) {
            stat = r.readLine();
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long threads(long pid) throws IOException {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.count();
        }
    }

    private static long rssKb(long pid) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/" + pid + "/status"))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return -1;
    }

    /** MB of heap in use right after a full GC, by jcmd. */
    private static double heapUsedAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    private static String jcmd(long pid, String what) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), what).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
