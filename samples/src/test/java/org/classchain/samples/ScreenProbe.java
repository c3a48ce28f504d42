package org.classchain.samples;

import java.awt.GraphicsDevice;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches the monitors of an X display for a test, in a process of its own on that display: it
 * captures each monitor (AWT {@link Robot}, every few milliseconds) and writes a line whenever
 * what they show changes, e.g. {@code COVERED BLACK}: one {@link Look} per monitor. Arguments:
 * one {@code x,y,width,height} per monitor of the default X screen (AWT's Robot reads no other). Ends when its standard input closes.
 */
final class ScreenProbe {
    private static final long PERIOD_MILLIS = 10;

    /** What a monitor shows. */
    enum Look {
        /** Black, with a line of text in its middle. */
        COVERED,
        /** All black. */
        BLACK,
        /** White, 19 pixels in 20 at least: the student's desktop. */
        WHITE,
        /** Anything else. */
        OTHER
    }

    private ScreenProbe() {
    }

    public static void main(String[] args) throws Exception {
        GraphicsDevice screen = GraphicsEnvironment.getLocalGraphicsEnvironment().getDefaultScreenDevice();
        List<Robot> robots = new ArrayList<>();
        List<Rectangle> areas = new ArrayList<>();
        for (String arg : args) {
            String[] parts = arg.split(",");
            robots.add(new Robot(screen));
            areas.add(new Rectangle(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]), Integer.parseInt(parts[3])));
        }
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent
                }
            } catch (java.io.IOException e) {
                // the test is gone
            }
            System.exit(0);
        }, "screen-probe-stdin");
        stdin.setDaemon(true);
        stdin.start();
        String last = "";
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < robots.size(); i++) {
                BufferedImage shot = robots.get(i).createScreenCapture(areas.get(i));
                int w = shot.getWidth();
                int[] rgb = shot.getRGB(0, 0, w, shot.getHeight(), null, 0, w);
                line.append(i == 0 ? "" : " ").append(look(rgb, w, shot.getHeight()));
            }
            if (!line.toString().equals(last)) {
                last = line.toString();
                System.out.println(last);
                System.out.flush();
            }
            Thread.sleep(PERIOD_MILLIS);
        }
    }

    /** How a monitor's pixels look: black outside the middle fifth, lit (a little) inside it, and so on. */
    static Look look(int[] argb, int width, int height) {
        int bandTop = height * 2 / 5;
        int bandBottom = height * 3 / 5;
        long lit = 0;
        long litOutsideBand = 0;
        long notWhite = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = argb[y * width + x] & 0xFFFFFF;
                if (p != 0) {
                    lit++;
                    if (y < bandTop || y >= bandBottom) {
                        litOutsideBand++;
                    }
                }
                if (p != 0xFFFFFF) {
                    notWhite++;
                }
            }
        }
        if (lit == 0) {
            return Look.BLACK;
        }
        if (litOutsideBand == 0 && lit < (long) width * (bandBottom - bandTop) / 4) {
            return Look.COVERED;
        }
        return notWhite < argb.length / 20 ? Look.WHITE : Look.OTHER;
    }
}
