package org.classchain.mods;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.classchain.spi.host.DesktopService;

/** A desktop that records what modules ask of it. Not thread-safe: one test thread. */
final class FakeDesktop implements DesktopService {
    record Shown(String title, String text, Duration duration) {
    }

    record Black(Duration duration, String message) {
    }

    private final boolean display;
    final List<Shown> messages = new ArrayList<>();
    final List<Black> blackouts = new ArrayList<>();
    final List<Black> locks = new ArrayList<>();
    final List<URI> browsed = new ArrayList<>();
    int interruptions;
    boolean locked;
    int unblackouts;
    boolean blackedOut;
    RuntimeException browseFailure;
    IOException browseIoFailure;

    FakeDesktop(boolean display) {
        this.display = display;
    }

    static FakeDesktop withDisplay() {
        return new FakeDesktop(true);
    }

    static FakeDesktop headless() {
        return new FakeDesktop(false);
    }

    @Override
    public boolean hasDisplay() {
        return display;
    }

    private void requireDisplay() {
        if (!display) {
            throw new IllegalStateException("headless");
        }
    }

    @Override
    public void showMessage(String title, String text, Duration duration) {
        requireDisplay();
        messages.add(new Shown(title, text, duration));
    }

    @Override
    public int blackout(Duration duration, String message) {
        requireDisplay();
        blackouts.add(new Black(duration, message));
        blackedOut = true;
        return 2;
    }

    @Override
    public boolean unblackout() {
        requireDisplay();
        unblackouts++;
        boolean was = blackedOut;
        blackedOut = false;
        return was;
    }

    @Override
    public int blackoutUntilEnded(String message) {
        requireDisplay();
        blackouts.add(new Black(null, message));
        blackedOut = true;
        return 2;
    }

    @Override
    public int lock(Duration duration, String message) {
        requireDisplay();
        locks.add(new Black(duration, message));
        locked = true;
        return 2;
    }

    @Override
    public boolean unlock() {
        requireDisplay();
        boolean was = locked;
        locked = false;
        return was;
    }

    @Override
    public int interruptions() {
        return interruptions;
    }

    @Override
    public void browse(URI uri) throws IOException {
        requireDisplay();
        if (browseFailure != null) {
            throw browseFailure;
        }
        if (browseIoFailure != null) {
            throw browseIoFailure;
        }
        browsed.add(uri);
    }
}
