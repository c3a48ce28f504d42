package org.classchain.samples;

import java.net.URI;
import java.time.Duration;
import org.classchain.spi.host.DesktopService;

/**
 * The screens of the demo's simulated students on a machine without a display: what a student
 * would see is printed on standard output, so the demo's commands are EXECUTED there too. Only
 * the demo uses it: a real peer without a display answers UNAVAILABLE. Thread-safe.
 */
final class PrintedDesktop implements DesktopService {

    @Override
    public boolean hasDisplay() {
        return true;
    }

    @Override
    public void showMessage(String title, String text, Duration duration) {
        System.out.println("  [a student's screen, " + duration.toSeconds() + " s] " + title + ": " + text);
    }

    @Override
    public int blackout(Duration duration, String message) {
        System.out.println("  [a student's screen] black for " + duration.toSeconds() + " s"
                + (message == null ? "" : ": " + message));
        return 1;
    }

    @Override
    public boolean unblackout() {
        System.out.println("  [a student's screen] blackout ended");
        return true;
    }

    @Override
    public void browse(URI uri) {
        System.out.println("  [a student's screen] opened " + uri);
    }
}
