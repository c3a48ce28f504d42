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

    private final String name;

    /** A screen that says it is a student's. */
    PrintedDesktop() {
        this("a student");
    }

    /** @param name whose screen the pictures say it is */
    PrintedDesktop(String name) {
        this.name = name;
    }

    /** A plain picture naming the student and the time: what the console's thumbnails show in the demo. */
    @Override
    public byte[] screen(int width, int maxBytes) throws java.io.IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(1280, 800,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        try {
            g.setColor(new java.awt.Color(0x1a73e8));
            g.fillRect(0, 0, 1280, 800);
            g.setColor(java.awt.Color.WHITE);
            g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 96));
            g.drawString(name, 120, 360);
            g.drawString(java.time.LocalTime.now().withNano(0).toString(), 120, 520);
        } finally {
            g.dispose();
        }
        return org.classchain.mods.host.ScreenPictures.jpeg(img, width, maxBytes);
    }

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
