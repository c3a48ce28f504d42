package org.classchain.samples;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.classchain.DesktopHealth;
import org.classchain.spi.host.DesktopService;

/**
 * A student's desktop for the console's browser tests, whose JVM is headless: it records what the
 * modules ask of it (messages shown, locked or not, blacked out or not) for the test to read, so
 * that a lock EXECUTES as it would on a real screen. Thread-safe: peers call it, the test reads.
 */
final class RecordingDesktop implements DesktopService {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private volatile boolean locked;
    private volatile boolean blackedOut;
    private volatile DesktopHealth health;

    /** The texts of the messages shown, in order. */
    List<String> messages() {
        return List.copyOf(messages);
    }

    /** Whether a lock is up now. */
    boolean locked() {
        return locked;
    }

    /** What this desktop's status says from now on (a killed agent, an interrupted blackout); null: the default. */
    void health(DesktopHealth h) {
        health = h;
    }

    @Override
    public DesktopHealth health() {
        DesktopHealth h = health;
        return h != null ? h : DesktopService.super.health();
    }

    @Override
    public boolean hasDisplay() {
        return true;
    }

    @Override
    public void showMessage(String title, String text, Duration duration) {
        messages.add(text);
    }

    @Override
    public int blackout(Duration duration, String message) {
        blackedOut = true;
        return 1;
    }

    @Override
    public boolean unblackout() {
        boolean was = blackedOut;
        blackedOut = false;
        return was;
    }

    @Override
    public int lock(Duration duration, String message) {
        locked = true;
        return 1;
    }

    @Override
    public boolean unlock() {
        boolean was = locked;
        locked = false;
        return was;
    }

    @Override
    public void browse(URI uri) {
        messages.add("browse " + uri);
    }
}
