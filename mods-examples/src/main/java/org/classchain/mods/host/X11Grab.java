package org.classchain.mods.host;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The keyboard and the mouse of a lock, in a process of its own started by {@link BlackoutKeeper}:
 * an active X grab of both on the root window ({@code XGrabKeyboard}, {@code XGrabPointer}
 * through JNA; AWT cannot grab), so every key and click goes to this process, which drops it.
 * The window manager's shortcuts (Super+D, Ctrl+Alt+Right, Alt+Tab) never reach it, typing
 * reaches no other window, and {@code xkill} cannot take the pointer to pick a window. Another
 * client cannot take an active grab away; a grab of the root window ends only when this client
 * lets go or its connection closes (its process ended, or {@code xkill -id} on one of its
 * resources), and the keeper then starts a new one.
 *
 * <p>While another client holds a grab (the window manager's menu, a student's own grabbing
 * program) it tries again every {@value #RETRY_MILLIS} ms. Writes {@code grabbed} when it holds
 * both, {@code waiting <why>} when it does not (once per change). Ends, releasing both, when its
 * standard input closes. Exit code 2 without a display or without Xlib.
 */
final class X11Grab {
    static final long RETRY_MILLIS = 50;
    private static final int GRAB_MODE_ASYNC = 1;
    private static final int GRAB_SUCCESS = 0;
    private static final NativeLong CURRENT_TIME = new NativeLong(0);
    private static final NativeLong NONE = new NativeLong(0);
    /** ButtonPress, ButtonRelease, EnterWindow, LeaveWindow, PointerMotion. */
    private static final int POINTER_EVENTS = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6);
    /** sizeof(XEvent): a union padded to 24 longs. */
    private static final int XEVENT_BYTES = 24 * Native.LONG_SIZE;
    private static final String[] RESULTS = {"success", "already grabbed by another client", "invalid time",
        "not viewable", "frozen by another client's grab"};

    private X11Grab() {
    }

    /** The few Xlib calls a grab needs (jna-platform's X11 has no XGrabPointer). */
    interface Xlib extends Library {
        Pointer XOpenDisplay(String name);

        NativeLong XDefaultRootWindow(Pointer display);

        int XGrabKeyboard(Pointer display, NativeLong window, int ownerEvents, int pointerMode, int keyboardMode,
                          NativeLong time);

        int XGrabPointer(Pointer display, NativeLong window, int ownerEvents, int eventMask, int pointerMode,
                         int keyboardMode, NativeLong confineTo, NativeLong cursor, NativeLong time);

        int XUngrabKeyboard(Pointer display, NativeLong time);

        int XUngrabPointer(Pointer display, NativeLong time);

        int XPending(Pointer display);

        int XNextEvent(Pointer display, byte[] event);

        int XFlush(Pointer display);

        int XCloseDisplay(Pointer display);
    }

    /** Loads Xlib; fails (UnsatisfiedLinkError) where there is none. */
    static Xlib xlib() {
        return Native.load("X11", Xlib.class);
    }

    /**
     * Tries once to grab the keyboard and the pointer of {@code display}'s root window.
     *
     * @return null when both are held, else why not
     */
    static String grab(Xlib x, Pointer display) {
        NativeLong root = x.XDefaultRootWindow(display);
        int k = x.XGrabKeyboard(display, root, 0, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC, CURRENT_TIME);
        int p = x.XGrabPointer(display, root, 0, POINTER_EVENTS, GRAB_MODE_ASYNC, GRAB_MODE_ASYNC, NONE, NONE,
                CURRENT_TIME);
        if (k == GRAB_SUCCESS && p == GRAB_SUCCESS) {
            return null;
        }
        if (k == GRAB_SUCCESS) {
            x.XUngrabKeyboard(display, CURRENT_TIME); // both or neither: try again for both
        }
        if (p == GRAB_SUCCESS) {
            x.XUngrabPointer(display, CURRENT_TIME);
        }
        x.XFlush(display);
        return "keyboard: " + result(k) + ", pointer: " + result(p);
    }

    private static String result(int code) {
        return code >= 0 && code < RESULTS.length ? RESULTS[code] : "error " + code;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Xlib x;
        Pointer display;
        try {
            x = xlib();
            display = x.XOpenDisplay(null);
        } catch (UnsatisfiedLinkError e) {
            out.println("failed no Xlib: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (display == null) {
            out.println("failed cannot open the display " + System.getenv("DISPLAY"));
            System.exit(2);
            return;
        }
        Thread input = new Thread(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // nothing is said to it: it waits for its input to close
                }
            } catch (IOException e) {
                // closed
            }
            System.exit(0); // the connection closes with the process: the grabs end with it
        }, "classchain-lock-grab-input");
        input.setDaemon(true);
        input.start();
        byte[] event = new byte[XEVENT_BYTES];
        String said = "";
        boolean held = false;
        while (true) {
            if (!held) {
                String why = grab(x, display);
                held = why == null;
                String now = held ? "grabbed" : "waiting " + why;
                if (!now.equals(said)) {
                    out.println(now);
                    said = now;
                }
            }
            while (x.XPending(display) > 0) {
                x.XNextEvent(display, event); // the student's keys and clicks: dropped
            }
            Thread.sleep(RETRY_MILLIS); // another client's grab ends without telling us: try again
        }
    }
}
