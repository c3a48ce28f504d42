package org.classchain.spi.host;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.classchain.DesktopHealth;

/**
 * The screens and the default browser of the computer a peer runs on.
 *
 * <p>Every method may be called from any thread; each returns once its effect is visible (a
 * window up, a browser asked to open) and does not wait for it to end. Arguments are never null
 * unless said otherwise. On a machine without a display {@link #hasDisplay()} is false and the
 * other methods throw {@link IllegalStateException}: a module checks first and takes its
 * headless path, answering UNAVAILABLE with {@link #noDisplayReason()}.
 */
public interface DesktopService {

    /**
     * {@return whether there is a display to show windows on} Fixed for the life of a desktop in
     * the peer's own process; a service whose display is a session agent's has one only while an
     * agent of a graphical session is connected.
     */
    boolean hasDisplay();

    /**
     * {@return why there is no display, for the teacher's receipt} e.g. {@code headless: no display}
     * (the default), or that no graphical session is open. A module appends what it could not do.
     */
    default String noDisplayReason() {
        return "headless: no display";
    }

    /**
     * Shows {@code text} in a window on top of the others, titled {@code title}, that closes by
     * itself after {@code duration}. The text is shown as plain text, never interpreted.
     *
     * @param title the window's title
     * @param text what it says
     * @param duration how long it stays up
     * @throws IllegalStateException when there is no display
     */
    void showMessage(String title, String text, Duration duration);

    /**
     * Covers every screen (every monitor) with a black window on top that holds the keyboard
     * focus and ignores close requests, until {@code duration} has passed or
     * {@link #unblackout()} is called. A blackout already up is replaced by this one.
     *
     * @param duration how long the screens stay black
     * @param message a line shown on the black, or null for none
     * @return the number of screens covered
     * @throws IllegalStateException when there is no display
     */
    int blackout(Duration duration, String message);

    /**
     * Covers every screen as {@link #blackout(Duration, String)} does, until
     * {@link #unblackout()} is called. The default is a blackout of a day.
     *
     * @param message a line shown on the black, or null for none
     * @return the number of screens covered
     * @throws IllegalStateException when there is no display
     */
    default int blackoutUntilEnded(String message) {
        return blackout(Duration.ofDays(1), message);
    }

    /**
     * Locks the computer: a blackout with {@code message} on every screen that holds the
     * keyboard and the mouse, until {@link #unlock()} is called or {@code duration} has passed.
     * A blackout or lock already up is replaced by this one.
     *
     * @param duration when the lock ends by itself, or null for never
     * @param message the teacher's line on every screen, or null for none
     * @return the number of screens covered
     * @throws IllegalStateException when there is no display
     * @throws UnsupportedOperationException when this desktop cannot lock (the default)
     */
    default int lock(Duration duration, String message) {
        throw new UnsupportedOperationException("this desktop cannot lock the computer");
    }

    /**
     * Ends the lock now.
     *
     * @return whether a lock was up
     * @throws IllegalStateException when there is no display
     * @throws UnsupportedOperationException when this desktop cannot lock (the default)
     */
    default boolean unlock() {
        throw new UnsupportedOperationException("this desktop cannot lock the computer");
    }

    /**
     * How many times the blackout or lock that is up now was interrupted (hidden, closed, its
     * windows' connection to the display lost) and put back; 0 when none is up. The default
     * knows of none.
     *
     * @return the count, for the receipt
     */
    default int interruptions() {
        return 0;
    }

    /**
     * What happened to this desktop that the teacher should hear of with each display command's
     * receipt, e.g. {@code session agent restarted 2 times}; empty when nothing did (the default).
     *
     * @return a short phrase, or empty
     */
    default String incidents() {
        return "";
    }

    /**
     * How this desktop is doing, for the peer's status (the teacher's room asks every few
     * seconds): must answer at once, without waiting on a display or another process. The
     * default says whether there is a display (and why not), no session agent, and
     * {@link #interruptions()}.
     *
     * @return never null
     */
    default DesktopHealth health() {
        boolean display = hasDisplay();
        return new DesktopHealth(display, 0, 0, null, display ? Math.max(0, interruptions()) : 0,
                display ? "" : noDisplayReason());
    }

    /**
     * Ends the blackout now (not a lock).
     *
     * @return whether a blackout was up
     * @throws IllegalStateException when there is no display
     */
    boolean unblackout();

    /**
     * A picture of every screen as one JPEG, for the teacher's room view and live view (taken on
     * request, never put on the chain): scaled to {@code width} pixels (never up), its quality and
     * then its size lowered until it holds at most {@code maxBytes}. Called on the peer's screen
     * thread, at most once at a time; it should take well under a second.
     *
     * @param width the widest picture wanted, in pixels
     * @param maxBytes the largest picture wanted
     * @return the JPEG's bytes, at most {@code maxBytes}
     * @throws IllegalStateException when there is no display
     * @throws UnsupportedOperationException when this desktop cannot take pictures (the default)
     * @throws IOException when the picture could not be taken or made small enough
     */
    default byte[] screen(int width, int maxBytes) throws IOException {
        throw new UnsupportedOperationException("this desktop cannot take a picture of the screens");
    }

    /**
     * Opens {@code uri} in the default browser.
     *
     * @param uri the page to open
     * @throws IllegalStateException when there is no display
     * @throws UnsupportedOperationException when this machine has no way to open a browser
     * @throws IOException when the browser could not be started
     */
    void browse(URI uri) throws IOException;
}
