package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An X server of a test's own on a free display number, white root window: Xorg with the dummy
 * video driver for two monitors through Xinerama (Xvfb's Xinerama puts both at 0,0), Xvfb for
 * two X screens; with the
 * openbox window manager on each X screen, and what a student can do to it with the X tools
 * ({@code xdotool}, {@code xkill}, {@code wmctrl}). Screens are watched by a {@link ScreenProbe}.
 * Closing it ends every process it started.
 */
final class XDisplay implements AutoCloseable {
    /** The tools the tests need, on the PATH. */
    static final List<String> TOOLS = List.of("Xvfb", "Xorg", "openbox", "xdotool", "xkill", "wmctrl", "xmessage");
    private static final long PATIENCE_MILLIS = 15_000;

    /** One monitor: the X screen it is on and its rectangle there. */
    record Monitor(int screen, Rectangle bounds) {
    }

    /** The two layouts of a computer with two monitors. */
    enum Layout {
        /** One X screen over both monitors (Xinerama). */
        XINERAMA,
        /** Two X screens, {@code :N.0} and {@code :N.1}, without Xinerama. */
        TWO_SCREENS
    }

    private final int number;
    private final Layout layout;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> spawned = new ArrayList<>();
    private final List<Process> probes = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    private final Object looks = new Object();
    private String look = ""; // guarded by looks: the probes' last lines, one look per monitor
    private long lookSince; // guarded by looks: System.nanoTime() when a probe last changed its line
    private final String[] looksByScreen = {"", ""}; // guarded by looks

    private XDisplay(int number, Layout layout) {
        this.number = number;
        this.layout = layout;
    }

    /** The first tool of {@link #TOOLS} missing from the PATH, or null when all are there. */
    static String missingTool() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String tool : TOOLS) {
            boolean found = Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
            if (!found) {
                return tool;
            }
        }
        return null;
    }

    /** Starts an X server on a free display with monitors of 1280x800 and 800x600, and openbox on it. */
    static XDisplay start(Layout layout) throws IOException, InterruptedException {
        for (int n = 70; n < 200; n++) {
            if (Files.exists(Path.of("/tmp/.X" + n + "-lock")) || Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                continue;
            }
            int number = n;
            XDisplay x = new XDisplay(number, layout);
            List<String> server;
            if (layout == Layout.XINERAMA) {
                Path folder = Files.createTempDirectory("classchain-xorg");
                Path config = folder.resolve("xorg.conf");
                try (var in = XDisplay.class.getResourceAsStream("xinerama-dummy.conf")) {
                    Files.copy(in, config);
                }
                server = List.of("Xorg", ":" + n, "-config", config.toString(), "-configdir", folder.toString(),
                        "-logfile", folder.resolve("xorg.log").toString(), "-noreset", "-nolisten", "tcp", "-wr");
            } else {
                server = List.of("Xvfb", ":" + n, "-screen", "0", "1280x800x24", "-screen", "1", "800x600x24",
                        "-wr", "-nolisten", "tcp");
            }
            Process p = new ProcessBuilder(server).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            x.processes.add(p);
            // the socket alone is not ours: another build's server that took the number between the
            // check above and this start has one too, while ours is still finding that out
            if (!x.await(() -> holds(number, p) || !p.isAlive()) || !p.isAlive()) {
                x.close(); // another server took the number first
                continue;
            }
            try {
                x.startWindowManager();
            } catch (AssertionError | IOException | RuntimeException e) {
                x.close(); // never leave a server behind
                throw e;
            }
            return x;
        }
        throw new IOException("no free X display number between :70 and :199");
    }

    /**
     * Whether {@code server} holds display {@code n}: its socket is there and the lock file names
     * the server's pid ({@code server}'s own, or a process it started: Debian's {@code Xorg} is a
     * script that runs the real server).
     */
    private static boolean holds(int n, Process server) {
        if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
            return false;
        }
        try {
            long pid = Long.parseLong(Files.readString(Path.of("/tmp/.X" + n + "-lock")).strip());
            return pid == server.pid() || server.descendants().anyMatch(d -> d.pid() == pid);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private void startWindowManager() throws IOException, InterruptedException {
        XDisplay x = this;
        int n = number;
        // the socket is there before the server answers: wait for an answer before openbox comes
        assertThat(x.await(() -> !x.run(0, "xdotool", "getdisplaygeometry").isBlank()))
                .as("the X server :%d answers", n).isTrue();
        for (int screen = 0; screen < x.screens(); screen++) {
            int s = screen;
            Process[] openbox = {null};
            assertThat(x.await(() -> {
                if (openbox[0] == null || !openbox[0].isAlive()) { // it gives up on a server still starting
                    try {
                        openbox[0] = x.on(s, "openbox", "--sm-disable").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                                .redirectErrorStream(true).start();
                        x.processes.add(openbox[0]);
                    } catch (IOException e) {
                        return false;
                    }
                }
                return x.run(s, "wmctrl", "-m").contains("Openbox");
            })).as("openbox manages screen %d of :%d", screen, n).isTrue();
        }
    }

    /** {@code :N}, the display as a program is given it. */
    String display() {
        return ":" + number;
    }

    Layout layout() {
        return layout;
    }

    /** How many X screens the server has: 1 with Xinerama, else 2. */
    int screens() {
        return layout == Layout.XINERAMA ? 1 : 2;
    }

    /** The monitors, left one first. */
    List<Monitor> monitors() {
        return layout == Layout.XINERAMA
                ? List.of(new Monitor(0, new Rectangle(0, 0, 1280, 800)), new Monitor(0, new Rectangle(1280, 0, 800, 600)))
                : List.of(new Monitor(0, new Rectangle(0, 0, 1280, 800)), new Monitor(1, new Rectangle(0, 0, 800, 600)));
    }

    /** Starts the {@link ScreenProbe} on this display; {@link #awaitLook} then waits on what it sees. */
    void startProbe() throws IOException {
        for (int screen = 0; screen < screens(); screen++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dsun.java2d.xrender=false", "-cp", System.getProperty("java.class.path"), ScreenProbe.class.getName()));
            for (Monitor m : monitors()) {
                if (m.screen() == screen) {
                    Rectangle b = m.bounds();
                    command.add(b.x + "," + b.y + "," + b.width + "," + b.height);
                }
            }
            // one probe per X screen, on it as its default screen: AWT's Robot reads only that one
            Process probe = on(screen, command.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(probe);
            probes.add(probe);
            int index = screen;
            Thread reader = new Thread(() -> {
                try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(probe.getInputStream(),
                        java.nio.charset.StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        synchronized (looks) {
                            looksByScreen[index] = line.strip();
                            look = String.join(" ", Arrays.asList(looksByScreen).subList(0, screens()));
                            lookSince = System.nanoTime();
                            looks.notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the probe ended with the display
                }
            }, "screen-probe-reader-" + number + "." + screen);
            reader.setDaemon(true);
            reader.start();
        }
    }

    /**
     * Waits until every monitor looks {@code want} to the probe.
     *
     * @return how long it took in milliseconds, or -1 when {@code millis} passed first
     */
    long awaitLook(ScreenProbe.Look want, long millis) throws InterruptedException {
        return awaitLook(java.util.Set.of(want), millis);
    }

    /** Waits until every monitor looks one of {@code wanted}; as {@link #awaitLook(ScreenProbe.Look, long)}. */
    long awaitLook(java.util.Set<ScreenProbe.Look> wanted, long millis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (looks) {
            while (!matches(look, wanted)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return -1;
                }
                TimeUnit.NANOSECONDS.timedWait(looks, left);
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private boolean matches(String line, java.util.Set<ScreenProbe.Look> wanted) {
        String[] parts = line.split(" ");
        return parts.length == monitors().size()
                && Arrays.stream(parts).allMatch(p -> wanted.stream().anyMatch(w -> w.name().equals(p)));
    }

    /** Whether every probe still runs (else {@link #look} is what it saw before it ended). */
    boolean probesAlive() {
        return probes.stream().allMatch(Process::isAlive);
    }

    /** {@link System#nanoTime()} when the monitors began to look as {@link #look} says. */
    long lookSince() {
        synchronized (looks) {
            return lookSince;
        }
    }

    /** What the probe saw last, one look per monitor. */
    String look() {
        synchronized (looks) {
            return look;
        }
    }

    /** A process builder for {@code command} on X screen {@code screen}. */
    ProcessBuilder on(int screen, String... command) {
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().put("DISPLAY", display() + "." + screen);
        return b;
    }

    /** Runs {@code command} on {@code screen} and returns its standard output (empty on failure). */
    String run(int screen, String... command) {
        try {
            Process p = on(screen, command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
            return new String(out, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Starts {@code command} on {@code screen}; it is ended on close. */
    void spawn(int screen, String... command) throws IOException {
        Process p = on(screen, command).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        processes.add(p);
        spawned.add(p);
    }

    /** Ends what {@link #spawn} started (the student's windows), leaving the server and its window managers. */
    void closeSpawned() throws InterruptedException {
        for (Process p : spawned) {
            p.destroy();
            p.waitFor(3, TimeUnit.SECONDS);
        }
        spawned.clear();
    }

    /** The ids of the mapped windows named {@code name} on every screen, with the screen of each (a standby's are not). */
    List<long[]> windows(String name) {
        List<long[]> found = new ArrayList<>();
        for (int s = 0; s < screens(); s++) {
            for (String line : run(s, "xdotool", "search", "--onlyvisible", "--screen", Integer.toString(s), "--name", "^" + name + "$").split("\n")) {
                if (!line.isBlank()) {
                    found.add(new long[] {s, Long.parseLong(line.strip())});
                }
            }
        }
        return found;
    }

    private boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(20); // another process starting: nothing to wait on but its traces
        }
        return true;
    }

    /** Runs {@code steps} first on close, before the server goes (ending what a test put up on it). */
    void onClose(Runnable... steps) {
        cleanups.addAll(List.of(steps));
    }

    @Override
    public void close() {
        for (Runnable step : cleanups) {
            try {
                step.run();
            } catch (RuntimeException e) {
                System.err.println("[XDisplay] cleanup failed: " + e);
            }
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
