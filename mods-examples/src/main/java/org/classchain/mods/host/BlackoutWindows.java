package org.classchain.mods.host;

import java.awt.AWTException;
import java.awt.Color;
import java.awt.EventQueue;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Frame;
import java.awt.GraphicsConfiguration;
import java.awt.GraphicsDevice;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Window;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.swing.Timer;

/**
 * The black windows of a blackout or a lock, in a process of their own started by
 * {@link BlackoutKeeper}: the only process of ClassChain that talks to the X server for a
 * blackout, so that an {@code xkill} (which closes its X connection, and Xlib then ends the
 * process) costs this process only, and the keeper starts a new one.
 *
 * <p>One undecorated, override-redirect black frame per screen device (the window manager does
 * not manage it: no show desktop, virtual desktop, minimise or move by it): every monitor of a
 * Xinerama screen and every X screen without Xinerama, each with the teacher's line in its
 * middle. The focus is taken back. Every {@value #CHECK_MILLIS} ms a watchdog checks each frame
 * and looks at the screen itself (sample pixels away from the text, through a {@link Robot} on
 * that screen): a frame that another X client moved, unmapped or covered shows as not black, and
 * is replaced by a new window, on top.
 *
 * <p>Arguments: the message (may be empty). Starts as a standby: connects to the display, builds
 * its frames, writes {@code ready} and waits; the line {@code show} on its standard input shows
 * them (a keeper keeps one standby warm, so that a killed process is replaced in a fraction of a
 * second, not a Java start-up). Writes {@code up <screens>} once every screen has been seen black, then {@code interrupted <why>} when the watchdog finds the screens not black and
 * {@code restored} when they are black again. Ends when its standard input closes.
 */
final class BlackoutWindows {
    static final int CHECK_MILLIS = 100;
    /** After a frame is mapped again, how long the watchdog lets it be drawn before it looks at it. */
    private static final int SETTLE_MILLIS = 300;
    private static final double[] SAMPLE_ROWS = {0.03, 0.2, 0.8, 0.97};
    private static final double[] SAMPLE_COLUMNS = {0.03, 0.5, 0.97};
    private static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 32);
    /** How long the first showing may take before the watchdog maps the frames again. */
    private static final long FIRST_SHOWING_NANOS = 3_000_000_000L;

    private final PrintStream out;
    private final List<Screen> screens = new ArrayList<>();
    private long shownAt;
    private boolean up;
    private boolean interrupted;

    private BlackoutWindows(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String message = args.length > 0 ? args[0] : "";
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BlackoutWindows windows = new BlackoutWindows(out);
        EventQueue.invokeAndWait(() -> windows.build(message)); // connected to the display, frames built
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                if (line.equals("show")) {
                    EventQueue.invokeLater(windows::show);
                }
            }
        } catch (IOException e) {
            // the keeper is gone: end as well
        }
        System.exit(0);
    }

    private void build(String message) {
        GraphicsEnvironment ge = GraphicsEnvironment.getLocalGraphicsEnvironment();
        GraphicsDevice primary = ge.getDefaultScreenDevice();
        for (GraphicsDevice device : ge.getScreenDevices()) {
            Screen screen = new Screen(device, message);
            if (device.equals(primary)) {
                screens.add(0, screen); // the first holds the focus
            } else {
                screens.add(screen);
            }
        }
        if (screens.isEmpty()) {
            throw new IllegalStateException("the display has no screens");
        }
    }

    private void show() {
        if (shownAt != 0) {
            return;
        }
        shownAt = System.nanoTime();
        for (Screen s : screens) {
            s.map();
        }
        screens.get(0).frame.requestFocus();
        Timer watchdog = new Timer(CHECK_MILLIS, e -> check());
        watchdog.start();
    }

    /**
     * One pass of the watchdog, on the event thread. Until every screen has been seen black once
     * (then it reports {@code up}), a screen not black yet is being drawn, not interrupted.
     */
    private void check() {
        String why = null;
        List<Screen> wrongOnes = new ArrayList<>();
        for (Screen s : screens) {
            String wrong = s.whatIsWrong();
            why = why == null ? wrong : why;
            if (wrong != null) {
                wrongOnes.add(s);
            }
            s.frame.repaint(); // cheap, and a frame shown from the standby once stayed without its text
        }
        if (why != null && (up || System.nanoTime() - shownAt > FIRST_SHOWING_NANOS)) {
            // only the screens found wrong: the window manager no longer hides all of them at once,
            // and a frame replaced for nothing is a new X window the student's tools must find again
            for (Screen s : wrongOnes) {
                s.map();
            }
        }
        if (!up) {
            if (why == null) {
                up = true;
                out.println("up " + screens.size());
            }
        } else if (why != null) {
            interrupted(why);
        } else if (interrupted) {
            interrupted = false;
            out.println("restored");
        }
    }

    /** Reports an interruption, once until the screens are black again. */
    private void interrupted(String why) {
        if (up && !interrupted) {
            interrupted = true;
            out.println("interrupted " + why);
        }
    }

    /** One screen device and its frame. Confined to the event thread. */
    private final class Screen {
        private final Frame frame;
        private final Rectangle bounds;
        private final Robot robot;
        private long settledAt;

        Screen(GraphicsDevice device, String message) {
            GraphicsConfiguration gc = device.getDefaultConfiguration();
            bounds = gc.getBounds();
            // A heavyweight AWT frame that paints itself: Swing's back buffer belongs to the
            // default X screen, and its label stayed blank on the second screen without Xinerama.
            frame = new Frame(AwtDesktop.BLACKOUT_TITLE, gc) {
                @Override
                public void paint(Graphics g) {
                    g.setColor(Color.BLACK);
                    g.fillRect(0, 0, getWidth(), getHeight());
                    if (!message.isBlank()) {
                        g.setColor(Color.WHITE);
                        g.setFont(TEXT_FONT);
                        FontMetrics m = g.getFontMetrics();
                        g.drawString(message, (getWidth() - m.stringWidth(message)) / 2,
                                (getHeight() - m.getHeight()) / 2 + m.getAscent());
                    }
                }

                @Override
                public void update(Graphics g) {
                    paint(g);
                }
            };
            frame.setName(AwtDesktop.BLACKOUT_WINDOW);
            frame.setUndecorated(true);
            // Override-redirect (AWT's POPUP type on X11): the window manager does not manage it,
            // so it cannot hide it (show desktop, another virtual desktop, minimise, move). Managed,
            // the frame was hidden by each and mapped again by the watchdog, where the window
            // manager put it back on the desktop it had left (the second X screen's openbox kept
            // _NET_WM_DESKTOP=0 and showed desktop 1: white for good) or kept it hidden while
            // "showing the desktop" unless it let it take the focus: the escapes' flakiness.
            frame.setType(Window.Type.POPUP);
            frame.setAlwaysOnTop(true);
            frame.setBackground(Color.BLACK);
            frame.setBounds(bounds);
            frame.addWindowListener(new WindowAdapter() {
                @Override
                public void windowClosing(WindowEvent e) {
                    map(); // a close request (Alt+F4, the window manager): ignored, not an interruption
                }

                @Override
                public void windowIconified(WindowEvent e) {
                    interrupted("iconified");
                    EventQueue.invokeLater(Screen.this::map);
                }
            });
            Robot r;
            try {
                r = new Robot(device);
            } catch (AWTException | SecurityException e) {
                r = null; // no pixel check on this screen: the frame checks still run
            }
            robot = r;
        }

        /** Why this screen is not black, or null when it is (or it has just been mapped). */
        String whatIsWrong() {
            if (!frame.isShowing()) {
                return "closed";
            }
            if ((frame.getExtendedState() & Frame.ICONIFIED) != 0) {
                return "iconified";
            }
            if (!frame.getBounds().equals(bounds)) {
                return "moved";
            }
            if (robot == null || System.nanoTime() - settledAt < 0) {
                return null;
            }
            for (double row : SAMPLE_ROWS) {
                for (double column : SAMPLE_COLUMNS) {
                    int x = bounds.x + (int) (bounds.width * column);
                    int y = bounds.y + (int) (bounds.height * row);
                    if ((robot.getPixelColor(x, y).getRGB() & 0xFFFFFF) != 0) {
                        return "hidden"; // unmapped, covered, or on another virtual desktop
                    }
                }
            }
            return null;
        }

        /** Maps the frame (again, as a new X window), over the whole screen, on top, focused. */
        void map() {
            if (frame.isDisplayable()) {
                // a new X window: AWT does not learn that another client moved or unmapped an
                // override-redirect one (xdotool windowmove, windowunmap), so a plain map or
                // setBounds of the old one could leave it off the screen
                frame.dispose();
            }
            frame.setExtendedState(Frame.NORMAL);
            frame.setBounds(bounds);
            frame.setVisible(true);
            frame.setAlwaysOnTop(true);
            frame.toFront();
            // activated on its own screen (openbox leaves "show desktop" of that X screen only so),
            // then the focus goes back to the first
            frame.requestFocus();
            screens.get(0).frame.requestFocus();
            settledAt = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
        }
    }
}
