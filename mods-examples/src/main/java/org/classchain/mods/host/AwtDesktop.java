package org.classchain.mods.host;

import java.awt.Color;
import java.awt.Desktop;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.Frame;
import java.awt.GraphicsConfiguration;
import java.awt.GraphicsDevice;
import java.awt.GraphicsEnvironment;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Window;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.Timer;
import javax.swing.WindowConstants;
import org.classchain.spi.host.DesktopService;

/**
 * The desktop through AWT and Swing, and, for a blackout or a lock, through processes of their own.
 *
 * <p>A blackout or a lock is kept up by a {@link BlackoutKeeper} process that runs the black
 * windows ({@link BlackoutWindows}) in another process again whenever they are gone before their
 * time: the X connection that an {@code xkill} closes is theirs, never the peer's. The keeper is
 * started in a session of its own ({@code setsid}) and outlives the peer, so a peer that is
 * killed or restarted leaves the blackout up until its end; any instance finds the keeper again
 * by its command line (this desktop's state file) and can end it. The keeper reports the screens
 * covered and each interruption in that state file.
 *
 * <p>{@link #watch()} makes this instance the blackout's guardian for as long as it runs (the
 * peer's, or the session agent's): it restores at once a blackout or lock that is still valid by
 * its state file but has no keeper (the peer, the agent or the computer restarted, or the student
 * killed the keeper), and again within {@value #WATCH_MILLIS} ms whenever the keeper is gone
 * before its end; each such restart counts as an interruption. The state file is the record of
 * what the teacher asked: only an end (its own, {@link #unblackout()}, {@link #unlock()}) or a
 * new blackout removes it. This instance also remembers what it was asked, so a student who
 * deletes the state file (it is theirs) and kills the keeper finds it back all the same.
 *
 * <p>Messages are windows of this process, built on the AWT event dispatch thread. Thread-safe.
 */
public final class AwtDesktop implements DesktopService, AutoCloseable {

    /** The {@link java.awt.Component#getName() name} of each blackout window. */
    public static final String BLACKOUT_WINDOW = "classchain-blackout";
    /** The title of each blackout window, as the X tools see it. */
    public static final String BLACKOUT_TITLE = "ClassChain blackout";
    /** The name of each message window. */
    public static final String MESSAGE_WINDOW = "classchain-message";

    private static final String STATE_FILE = "blackout.properties";
    private static final Duration START_PATIENCE = Duration.ofSeconds(20);
    private static final Duration END_PATIENCE = Duration.ofSeconds(3);
    private static final long POLL_MILLIS = 25;
    /** How often a {@link #watch() watching} desktop looks for its keeper. */
    static final long WATCH_MILLIS = 200;

    private final String display;
    private final Path stateFile;
    /** Keeps keep, end and the watcher's restore from interleaving (a restore between an end's two steps). */
    private final Object keeping = new Object();
    private java.util.concurrent.ScheduledExecutorService watcher;
    /** What was asked here and not ended: restored from memory when the state file is gone too (guarded by keeping). */
    private Asked asked;

    private record Asked(String kind, long until, String message) {
        boolean valid() {
            return until == 0 || until > System.currentTimeMillis();
        }
    }

    /**
     * The desktop of this process's display ({@code DISPLAY}), keeping its blackout's state in
     * a folder of this user's under the temporary folder.
     */
    public AwtDesktop() {
        this(null, Path.of(System.getProperty("java.io.tmpdir"),
                "classchain-desktop-" + System.getProperty("user.name", "user")));
    }

    /**
     * The desktop of X display {@code display} (e.g. {@code ":7"}, or null for this process's),
     * keeping its blackout's state in {@code stateFolder}.
     *
     * @param display an X display name, or null for this process's
     * @param stateFolder where the blackout's state file is kept, so a keeper process finds it
     */
    public AwtDesktop(String display, Path stateFolder) {
        this.display = display;
        this.stateFile = stateFolder.toAbsolutePath().resolve(STATE_FILE);
    }

    @Override
    public boolean hasDisplay() {
        return display != null || !GraphicsEnvironment.isHeadless();
    }

    /** Every screen with {@link java.awt.Robot}, as {@link ScreenPictures} makes it small. */
    @Override
    public byte[] screen(int width, int maxBytes) throws IOException {
        requireDisplay();
        java.awt.image.BufferedImage all;
        try {
            all = ScreenPictures.captureAllScreens();
        } catch (java.awt.AWTException | SecurityException e) {
            throw new IllegalStateException("the display does not allow a picture: " + e.getMessage(), e);
        }
        if (all == null) {
            throw new IllegalStateException("no screen to take a picture of");
        }
        return ScreenPictures.jpeg(all, width, maxBytes);
    }

    @Override
    public void showMessage(String title, String text, Duration duration) {
        requireDisplay();
        onEventThread(() -> {
            JFrame frame = new JFrame(title);
            frame.setName(MESSAGE_WINDOW);
            frame.setAlwaysOnTop(true);
            frame.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
            JTextArea area = new JTextArea(text); // plain text: no HTML rendering of the teacher's words
            area.setEditable(false);
            area.setLineWrap(true);
            area.setWrapStyleWord(true);
            area.setFont(area.getFont().deriveFont(20f));
            area.setMargin(new Insets(16, 16, 16, 16));
            JScrollPane scroll = new JScrollPane(area);
            scroll.setPreferredSize(new Dimension(560, 280));
            frame.getContentPane().add(scroll);
            frame.pack();
            frame.setLocationRelativeTo(null);
            frame.setVisible(true);
            frame.toFront();
            Timer close = new Timer(millis(duration), e -> frame.dispose());
            close.setRepeats(false);
            close.start();
            return null;
        });
    }

    @Override
    public int blackout(Duration duration, String message) {
        return keep("blackout", until(duration), message);
    }

    @Override
    public int blackoutUntilEnded(String message) {
        return keep("blackout", 0, message);
    }

    @Override
    public boolean unblackout() {
        requireDisplay();
        return end("blackout");
    }

    @Override
    public int lock(Duration duration, String message) {
        return keep("lock", duration == null ? 0 : until(duration), message);
    }

    @Override
    public boolean unlock() {
        requireDisplay();
        return end("lock");
    }

    @Override
    public int interruptions() {
        return keepers().isEmpty() ? 0 : BlackoutState.read(stateFile).map(BlackoutState::interruptions).orElse(0);
    }

    @Override
    public void browse(URI uri) throws IOException {
        requireDisplay();
        if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
            Desktop.getDesktop().browse(uri);
            return;
        }
        Optional<Path> xdgOpen = onPath("xdg-open");
        if (xdgOpen.isPresent() && !isWindows()) {
            new ProcessBuilder(xdgOpen.get().toString(), uri.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return;
        }
        throw new UnsupportedOperationException(
                "this machine cannot open a browser (java.awt.Desktop cannot browse and there is no xdg-open)");
    }

    private void requireDisplay() {
        if (!hasDisplay()) {
            throw new IllegalStateException("no display: this machine is headless");
        }
    }

    /**
     * Ends any blackout or lock, starts a keeper for this one and waits until its windows are up.
     *
     * @param until the end in epoch milliseconds, 0 for none
     * @return the screens covered
     */
    private int keep(String kind, long until, String message) {
        synchronized (keeping) {
            int screens = startKeeper(kind, until, message, 0);
            asked = new Asked(kind, until, message);
            return screens;
        }
    }

    /**
     * Makes sure a blackout or lock that the caller knows is still due is up: starts one only when
     * no keeper keeps one (the agent was restarted and the student removed the state file). Used
     * by a service that remembers what the teacher asked.
     *
     * @param lock a lock, else a blackout
     * @param until its end in epoch milliseconds, 0 for none
     * @param message its line, or null
     * @return whether one had to be started
     */
    public boolean ensure(boolean lock, long until, String message) {
        String kind = lock ? "lock" : "blackout";
        Asked wanted = new Asked(kind, until, message);
        if (!wanted.valid()) {
            return false;
        }
        synchronized (keeping) {
            asked = wanted;
            if (keepers().stream().anyMatch(p -> kind.equals(kindOf(p)))) {
                return false;
            }
            startKeeper(kind, until, message, 1);
            return true;
        }
    }

    /**
     * Restores the blackout or lock of the state file if it is still valid and its keeper is gone.
     *
     * @return whether a keeper was started
     */
    boolean restoreIfGone() {
        synchronized (keeping) {
            Optional<BlackoutState> state = BlackoutState.read(stateFile);
            if (state.isEmpty()) {
                if (asked == null || !asked.valid()) {
                    asked = null;
                    return false;
                }
                if (!keepers().isEmpty()) {
                    return false; // a keeper that has not written its state yet
                }
                startKeeper(asked.kind(), asked.until(), asked.message(), 1); // its state file was removed
                return true;
            }
            if (!state.get().failure().isEmpty()) {
                return false; // the display is gone: the keeper gave up and said why
            }
            BlackoutState s = state.get();
            if (ProcessHandle.of(s.keeper()).map(this::isKeeper).orElse(false) || !keepers().isEmpty()) {
                return false;
            }
            if (s.until() != 0 && s.until() <= System.currentTimeMillis()) {
                BlackoutState.remove(stateFile, s.keeper()); // ended while nobody kept it
                return false;
            }
            startKeeper(s.kind(), s.until(), s.message(), s.interruptions() + 1);
            return true;
        }
    }

    /**
     * Restores a still-valid blackout or lock now, and from now on restarts its keeper within
     * {@value #WATCH_MILLIS} ms when it is gone before its end, on a thread named
     * {@code classchain-blackout-watch} that {@link #close()} stops. Does nothing without a
     * display; idempotent.
     */
    public void watch() {
        if (!hasDisplay()) {
            return;
        }
        synchronized (keeping) {
            if (watcher != null) {
                return;
            }
            watcher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "classchain-blackout-watch");
                t.setDaemon(true);
                return t;
            });
        }
        watcher.scheduleWithFixedDelay(() -> {
            try {
                restoreIfGone();
            } catch (RuntimeException e) {
                System.err.println("classchain: could not restore the blackout: " + e.getMessage());
            }
        }, 0, WATCH_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Stops {@link #watch() watching}; a blackout that is up stays up (its keeper outlives this). */
    @Override
    public void close() {
        java.util.concurrent.ScheduledExecutorService w;
        synchronized (keeping) {
            w = watcher;
            watcher = null;
        }
        if (w != null) {
            w.shutdownNow();
            try {
                w.awaitTermination(END_PATIENCE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int startKeeper(String kind, long until, String message, int interruptionsSoFar) {
        requireDisplay();
        endKeepers(keepers());
        List<String> command = new ArrayList<>();
        onPath("setsid").ifPresent(setsid -> command.addAll(List.of(setsid.toString(), "--wait"))); // out of the peer's session
        command.addAll(BlackoutKeeper.javaCommand());
        command.addAll(List.of(BlackoutKeeper.class.getName(), stateFile.toString(), Long.toString(until), kind,
                message == null ? "" : message, Integer.toString(interruptionsSoFar)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (display != null) {
            builder.environment().put("DISPLAY", display);
        }
        Process keeper;
        try {
            Files.createDirectories(stateFile.getParent());
            Files.deleteIfExists(stateFile);
            builder.redirectError(ProcessBuilder.Redirect.appendTo(stateFile.resolveSibling("blackout.log").toFile()));
            keeper = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the blackout's keeper: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_PATIENCE.toNanos();
        try {
            while (System.nanoTime() - deadline < 0) {
                Optional<BlackoutState> state = BlackoutState.read(stateFile);
                if (state.isPresent() && state.get().screens() > 0) {
                    return state.get().screens();
                }
                if (state.isPresent() && !state.get().failure().isEmpty()) {
                    throw new IllegalStateException("the black windows could not be shown: " + state.get().failure());
                }
                if (!keeper.isAlive() && keepers().isEmpty()) {
                    throw new IllegalStateException("the blackout's keeper ended at once (exit code "
                            + keeper.exitValue() + "); see " + stateFile.resolveSibling("blackout.log"));
                }
                Thread.sleep(POLL_MILLIS); // another process's windows: nothing to wait on but its file
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            endKeepers(keepers());
            throw new IllegalStateException("interrupted while the black windows came up", e);
        }
        endKeepers(keepers());
        throw new IllegalStateException("the black windows were not up after " + START_PATIENCE.toSeconds() + " s");
    }

    /** Ends the keeper of this desktop if it keeps a {@code kind}; whether one did. */
    private boolean end(String kind) {
        synchronized (keeping) {
            if (asked != null && asked.kind().equals(kind)) {
                asked = null;
            }
            return endNow(kind);
        }
    }

    private boolean endNow(String kind) {
        List<ProcessHandle> mine = keepers().stream().filter(p -> kind.equals(kindOf(p))).toList();
        endKeepers(mine);
        if (!mine.isEmpty()) {
            try {
                Files.deleteIfExists(stateFile);
            } catch (IOException e) {
                // a stale state file without a keeper reads as no blackout
            }
        }
        return !mine.isEmpty();
    }

    private static void endKeepers(List<ProcessHandle> keepers) {
        keepers.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + END_PATIENCE.toNanos();
        for (ProcessHandle k : keepers) {
            try {
                k.onExit().get(Math.max(1, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                k.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                k.destroyForcibly();
            } catch (ExecutionException e) {
                // gone
            }
        }
    }

    /** The keeper processes of this desktop's state file, found by their command lines. */
    private List<ProcessHandle> keepers() {
        return ProcessHandle.allProcesses().filter(this::isKeeper).toList();
    }

    private boolean isKeeper(ProcessHandle p) {
        return p.isAlive() && p.info().arguments()
                .map(a -> contains(a, BlackoutKeeper.class.getName()) && contains(a, stateFile.toString())).orElse(false);
    }

    /** The kind a keeper keeps: the third of its own arguments. */
    private static String kindOf(ProcessHandle keeper) {
        String[] a = keeper.info().arguments().orElse(new String[0]);
        for (int i = 0; i + 3 < a.length; i++) {
            if (a[i].equals(BlackoutKeeper.class.getName())) {
                return a[i + 3];
            }
        }
        return "";
    }

    private static boolean contains(String[] array, String value) {
        for (String s : array) {
            if (s.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static long until(Duration duration) {
        return System.currentTimeMillis() + Math.max(1, duration.toMillis());
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    private static <T> T onEventThread(Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        if (EventQueue.isDispatchThread()) {
            future.run();
        } else {
            EventQueue.invokeLater(future);
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the AWT event thread", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
