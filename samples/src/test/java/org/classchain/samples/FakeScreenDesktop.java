package org.classchain.samples;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.mods.host.ScreenPictures;
import org.classchain.spi.host.DesktopService;

/**
 * A student's desktop in a headless test JVM whose screen is a picture that says which student
 * it is and how many pictures were taken of it, so that every frame of a live view differs;
 * everything else goes to the desktop it wraps. Thread-safe.
 */
final class FakeScreenDesktop implements DesktopService {

    private final DesktopService inner;
    private final int student;
    /** How many pictures of the screen were taken. */
    final AtomicInteger taken = new AtomicInteger();

    FakeScreenDesktop(DesktopService inner, int student) {
        this.inner = inner;
        this.student = student;
    }

    @Override
    public byte[] screen(int width, int maxBytes) throws IOException {
        int n = taken.incrementAndGet();
        BufferedImage img = ConsoleClassroom.fakeScreen(student);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 64));
            g.drawString("frame " + n, 420, 560);
        } finally {
            g.dispose();
        }
        return ScreenPictures.jpeg(img, width, maxBytes);
    }

    @Override
    public boolean hasDisplay() {
        return inner.hasDisplay();
    }

    @Override
    public void showMessage(String title, String text, Duration duration) {
        inner.showMessage(title, text, duration);
    }

    @Override
    public int blackout(Duration duration, String message) {
        return inner.blackout(duration, message);
    }

    @Override
    public int blackoutUntilEnded(String message) {
        return inner.blackoutUntilEnded(message);
    }

    @Override
    public int lock(Duration duration, String message) {
        return inner.lock(duration, message);
    }

    @Override
    public boolean unlock() {
        return inner.unlock();
    }

    @Override
    public int interruptions() {
        return inner.interruptions();
    }

    @Override
    public String incidents() {
        return inner.incidents();
    }

    @Override
    public org.classchain.DesktopHealth health() {
        return inner.health();
    }

    @Override
    public boolean unblackout() {
        return inner.unblackout();
    }

    @Override
    public void browse(URI uri) throws IOException {
        inner.browse(uri);
    }
}
