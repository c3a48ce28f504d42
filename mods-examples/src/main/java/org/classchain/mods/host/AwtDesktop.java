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
 * The desktop through AWT and Swing.
 *
 * <p>A blackout is one undecorated, always-on-top black frame per screen device (every monitor),
 * each covering its device's bounds. Close requests (the window manager's, Alt+F4) are ignored,
 * an iconified or closed frame is put back, and the frame on the default screen takes the
 * keyboard focus back when it loses it to another application. It ends at its deadline (a Swing
 * timer) or on {@link #unblackout()}.
 *
 * <p>Keeps no state of its own: a blackout lives in its windows, found by the name
 * {@link #BLACKOUT_WINDOW} through {@link Window#getWindows()}, so any instance can end the
 * blackout another one put up. Thread-safe: every window is built and changed on the AWT event
 * dispatch thread, and the methods wait for it.
 */
public final class AwtDesktop implements DesktopService {

    /** The {@link java.awt.Component#getName() name} of each blackout window. */
    public static final String BLACKOUT_WINDOW = "classchain-blackout";
    /** The name of each message window. */
    public static final String MESSAGE_WINDOW = "classchain-message";

    private static final String BLACKOUT_KEY = "classchain.blackout";
    private static final int REFOCUS_DELAY_MILLIS = 150;

    @Override
    public boolean hasDisplay() {
        return !GraphicsEnvironment.isHeadless();
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
        requireDisplay();
        return onEventThread(() -> {
            endBlackouts();
            Blackout blackout = new Blackout(message);
            blackout.start(duration);
            return blackout.frames.size();
        });
    }

    @Override
    public boolean unblackout() {
        requireDisplay();
        return onEventThread(AwtDesktop::endBlackouts);
    }

    @Override
    public void browse(URI uri) throws IOException {
        requireDisplay();
        if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
            Desktop.getDesktop().browse(uri);
            return;
        }
        Optional<Path> xdgOpen = onPath("xdg-open");
        if (xdgOpen.isPresent() && !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
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

    /** Ends every active blackout in this JVM; on the event thread. */
    private static boolean endBlackouts() {
        boolean ended = false;
        for (Window w : Window.getWindows()) {
            if (w instanceof JFrame f && BLACKOUT_WINDOW.equals(f.getName())
                    && f.getRootPane().getClientProperty(BLACKOUT_KEY) instanceof Blackout b && b.active) {
                b.end();
                ended = true;
            }
        }
        return ended;
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

    /** One blackout: its frames and its deadline. Confined to the event thread. */
    private static final class Blackout {
        private final List<JFrame> frames = new ArrayList<>();
        private final JFrame focusHolder;
        private Timer deadline;
        private boolean active = true;

        Blackout(String message) {
            GraphicsEnvironment ge = GraphicsEnvironment.getLocalGraphicsEnvironment();
            GraphicsDevice primary = ge.getDefaultScreenDevice();
            JFrame holder = null;
            for (GraphicsDevice device : ge.getScreenDevices()) {
                JFrame frame = frame(device.getDefaultConfiguration(), message);
                frames.add(frame);
                if (device.equals(primary)) {
                    holder = frame;
                }
            }
            if (frames.isEmpty()) {
                throw new IllegalStateException("the display has no screens");
            }
            this.focusHolder = holder != null ? holder : frames.get(0);
        }

        void start(Duration duration) {
            for (JFrame frame : frames) {
                frame.setVisible(true);
                frame.toFront();
            }
            focusHolder.requestFocus();
            deadline = new Timer(millis(duration), e -> end());
            deadline.setRepeats(false);
            deadline.start();
        }

        void end() {
            if (!active) {
                return;
            }
            active = false;
            if (deadline != null) {
                deadline.stop();
            }
            for (JFrame frame : frames) {
                frame.dispose();
            }
        }

        private JFrame frame(GraphicsConfiguration gc, String message) {
            JFrame frame = new JFrame("ClassChain", gc);
            frame.setName(BLACKOUT_WINDOW);
            frame.setUndecorated(true);
            frame.setAlwaysOnTop(true);
            frame.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
            frame.setBackground(Color.BLACK);
            JPanel pane = new JPanel(new GridBagLayout());
            pane.setBackground(Color.BLACK);
            pane.setFocusable(true);
            if (message != null && !message.isBlank()) {
                JLabel label = new JLabel(message);
                label.putClientProperty("html.disable", Boolean.TRUE); // plain text, never HTML
                label.setForeground(Color.WHITE);
                label.setFont(label.getFont().deriveFont(Font.BOLD, 32f));
                pane.add(label);
            }
            frame.setContentPane(pane);
            frame.getRootPane().putClientProperty(BLACKOUT_KEY, this);
            frame.setBounds(gc.getBounds());
            Guard guard = new Guard(frame);
            frame.addWindowListener(guard);
            frame.addWindowFocusListener(guard);
            return frame;
        }

        /** Puts a frame back on top, and the focus on the focus holder. */
        private void raise(JFrame frame) {
            if (!active) {
                return;
            }
            if ((frame.getExtendedState() & Frame.ICONIFIED) != 0) {
                frame.setExtendedState(Frame.NORMAL);
            }
            if (!frame.isVisible()) {
                frame.setVisible(true);
            }
            frame.toFront();
            focusHolder.toFront();
            focusHolder.requestFocus();
        }

        /** Refuses whatever would take a blackout frame away before its end. */
        private final class Guard extends WindowAdapter {
            private final JFrame frame;

            Guard(JFrame frame) {
                this.frame = frame;
            }

            @Override
            public void windowClosing(WindowEvent e) {
                raise(frame); // a close request (Alt+F4, the window manager): ignored
            }

            @Override
            public void windowClosed(WindowEvent e) {
                if (active) {
                    EventQueue.invokeLater(() -> raise(frame)); // disposed by someone else: back up
                }
            }

            @Override
            public void windowIconified(WindowEvent e) {
                EventQueue.invokeLater(() -> raise(frame));
            }

            @Override
            public void windowLostFocus(WindowEvent e) {
                if (!active || frames.contains(e.getOppositeWindow())) {
                    return; // gone to another of our screens: fine
                }
                Timer refocus = new Timer(REFOCUS_DELAY_MILLIS, t -> raise(frame));
                refocus.setRepeats(false);
                refocus.start();
            }
        }
    }
}
