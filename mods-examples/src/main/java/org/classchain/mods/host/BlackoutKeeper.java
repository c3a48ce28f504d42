package org.classchain.mods.host;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a blackout or a lock up until its end, in a process of its own that never connects to
 * the X server: it runs {@link BlackoutWindows}, with a second one ready and waiting, and shows
 * that one (and starts a new standby) whenever the first process ends before its time (an {@code xkill} on a black window closes the windows' X connection, and Xlib
 * ends their process). It outlives the peer that started it, so a peer killed or restarted
 * leaves the screens black until the end; the peer finds it again by its command line.
 *
 * <p>Arguments: the {@link BlackoutState state file}, the end in epoch milliseconds (0: until
 * ended), the kind ({@code blackout} or {@code lock}), the message and, optionally, the
 * interruptions counted before this keeper (when it restores one whose keeper was gone). Writes the state file as
 * things happen: the number of screens once the windows are up, and every interruption (the
 * screens found not black by the windows' watchdog, or the windows' process gone). Removes it
 * when the blackout ends by itself. A lock also holds the keyboard and the mouse through an {@link X11Grab}
 * process, started again whenever it ends. Gives up when the windows' process ends
 * {@value #ATTEMPTS} times in a row without showing anything (the display is gone).
 */
final class BlackoutKeeper {
    static final int ATTEMPTS = 3;
    /** Where distributions install JNA (Debian's and Fedora's libjna-java / jna). */
    private static final List<Path> SYSTEM_JNA = List.of(Path.of("/usr/share/java/jna.jar"), Path.of("/usr/lib/java/jna.jar"));

    private final BlackoutState state;
    private volatile Process windows;
    private volatile Process standby;
    private volatile Process grab;

    private BlackoutKeeper(BlackoutState state) {
        this.state = state;
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long until = Long.parseLong(args[1]);
        BlackoutState state = new BlackoutState(args[2], until, args.length > 3 ? args[3] : "", ProcessHandle.current().pid());
        int before = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        for (int i = 0; i < before; i++) {
            state.interrupted("the keeper was gone and was restarted"); // the count carries over a restart
        }
        BlackoutKeeper keeper = new BlackoutKeeper(state);
        Runtime.getRuntime().addShutdownHook(new Thread(keeper::stopWindows, "classchain-blackout-keeper-stop"));
        if (until > 0) {
            Thread deadline = new Thread(() -> keeper.endAt(file, until), "classchain-blackout-deadline");
            deadline.setDaemon(true);
            deadline.start();
        }
        state.write(file);
        if (args[2].equals("lock")) {
            Thread grab = new Thread(keeper::keepGrabbed, "classchain-lock-grab");
            grab.setDaemon(true);
            grab.start();
        }
        int code = keeper.keepUp(file, state.message());
        System.exit(code);
    }

    /** How to start a Java program of this jar: the java launcher of this runtime and its class path.
     * The keeper and the windows need nothing but the JDK and this package (not chain-api, which a
     * mod jar does not carry); the lock's grab ({@link X11Grab}) needs JNA too, added where it is found. */
    static List<String> javaCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", System.getProperty("os.name", "").startsWith("Windows") ? "java.exe" : "java").toString();
        String classPath;
        try {
            java.util.LinkedHashSet<String> parts = new java.util.LinkedHashSet<>();
            parts.add(codeSource(BlackoutKeeper.class));
            try {
                parts.add(codeSource(Class.forName("com.sun.jna.Native", false, BlackoutKeeper.class.getClassLoader())));
            } catch (ClassNotFoundException | LinkageError e) {
                // not on this class path (the launcher jar does not ship it): the distribution's, if installed;
                // else a lock still blacks out, without grabbing (X11Grab says so)
                SYSTEM_JNA.stream().filter(Files::isReadable).findFirst().ifPresent(p -> parts.add(p.toString()));
            }
            classPath = String.join(File.pathSeparator, parts);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            classPath = System.getProperty("java.class.path");
        }
        return List.of(java, "-Xmx48m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath);
    }

    private static String codeSource(Class<?> c) throws java.net.URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private void endAt(Path file, long until) {
        try {
            long left;
            while ((left = until - System.currentTimeMillis()) > 0) {
                Thread.sleep(Math.min(left, 1000)); // wall-clock deadline: re-read after a suspend
            }
            BlackoutState.remove(file, ProcessHandle.current().pid());
            System.exit(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Shows the windows, and again and again when their process ends, from a warm standby when
     * one is ready; returns the exit code when they cannot be shown.
     */
    private int keepUp(Path file, String message) throws IOException, InterruptedException {
        int failed = 0;
        Process next = startWindows(message);
        while (failed < ATTEMPTS) {
            Process p = next;
            windows = p;
            send(p, "show");
            next = startWindows(message); // the standby for when this one is killed
            standby = next;
            boolean up = false;
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("up ")) {
                        up = true;
                        state.up(Integer.parseInt(line.substring(3).strip()));
                        state.write(file);
                    } else if (line.startsWith("interrupted")) {
                        state.interrupted(line.substring("interrupted".length()).strip());
                        state.write(file);
                    }
                }
            }
            if (up) { // its output ended: it is gone or going, show the standby at once
                failed = 0;
                state.interrupted("the windows' connection to the display was lost");
                state.write(file);
            } else {
                failed++;
            }
            if (!next.isAlive()) {
                next = startWindows(message);
            }
        }
        state.failed("the windows could not be shown " + ATTEMPTS + " times in a row");
        state.write(file);
        return 2;
    }

    private static Process startWindows(String message) throws IOException {
        List<String> command = new ArrayList<>(javaCommand());
        // On the second X screen (no Xinerama) of Xvfb, Java 2D's XRender pipeline drew nothing,
        // and the GTK screen reader of Robot read the default screen instead
        command.addAll(command.size() - 2, List.of("-Dsun.java2d.xrender=false", "-Dawt.robot.gtk=false"));
        command.add(BlackoutWindows.class.getName());
        command.add(message);
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * A lock's keyboard and mouse: runs {@link X11Grab} and starts it again within
     * {@value X11Grab#RETRY_MILLIS} ms whenever it ends (its X connection killed), until this keeper
     * ends; gives up where it cannot run at all (no Xlib or no JNA), the black windows staying up.
     */
    private void keepGrabbed() {
        List<String> command = new ArrayList<>(javaCommand());
        command.add(X11Grab.class.getName());
        int failed = 0;
        while (failed < ATTEMPTS) {
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
                grab = p;
                boolean grabbed = false;
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        grabbed |= line.equals("grabbed");
                        System.err.println("classchain lock: keyboard and mouse " + line);
                    }
                }
                failed = grabbed ? 0 : failed + 1;
                Thread.sleep(X11Grab.RETRY_MILLIS);
            } catch (IOException e) {
                failed++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        System.err.println("classchain lock: the keyboard and mouse could not be grabbed " + ATTEMPTS + " times in a row");
    }

    private static void send(Process p, String line) {
        try {
            p.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().flush();
        } catch (IOException e) {
            // it is gone: its output ends and the loop starts another
        }
    }

    private void stopWindows() {
        for (Process p : new Process[] {windows, standby, grab}) {
            if (p != null) {
                p.destroy();
            }
        }
    }
}
