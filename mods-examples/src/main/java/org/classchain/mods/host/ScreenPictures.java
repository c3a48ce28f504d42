package org.classchain.mods.host;

import java.awt.AWTException;
import java.awt.Graphics2D;
import java.awt.GraphicsDevice;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Robot;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Pictures of the screens as small JPEGs: what the {@code screenshot} module and a desktop's
 * {@link org.classchain.spi.host.DesktopService#screen} give the teacher. Stateless.
 */
public final class ScreenPictures {

    private static final float[] QUALITIES = {0.75f, 0.6f, 0.45f, 0.3f, 0.2f};
    /** The narrowest picture made when a wider one does not fit. */
    public static final int MIN_WIDTH = 32;

    private ScreenPictures() {
    }

    /**
     * Every screen as one picture, their bounds united, taken with {@link Robot}.
     *
     * @return the picture, or null when there is no screen
     * @throws AWTException when the display does not allow it
     */
    public static BufferedImage captureAllScreens() throws AWTException {
        Rectangle all = new Rectangle();
        for (GraphicsDevice d : GraphicsEnvironment.getLocalGraphicsEnvironment().getScreenDevices()) {
            all = all.union(d.getDefaultConfiguration().getBounds());
        }
        if (all.isEmpty()) {
            return null;
        }
        return new Robot().createScreenCapture(all);
    }

    /**
     * A JPEG of {@code image} at most {@code maxBytes} long: scaled to {@code width} (never up),
     * quality lowered step by step, then the size halved, down to {@value #MIN_WIDTH} pixels wide.
     *
     * @param image the picture
     * @param width the widest the JPEG may be, in pixels
     * @param maxBytes the longest the JPEG may be
     * @return the JPEG's bytes
     * @throws IOException if even the smallest picture does not fit
     */
    public static byte[] jpeg(BufferedImage image, int width, int maxBytes) throws IOException {
        int w = Math.max(MIN_WIDTH, Math.min(width, image.getWidth()));
        while (true) {
            BufferedImage scaled = scale(image, w);
            for (float q : QUALITIES) {
                byte[] jpeg = encode(scaled, q);
                if (jpeg.length <= maxBytes) {
                    return jpeg;
                }
            }
            if (w == MIN_WIDTH) {
                throw new IOException("the screen does not fit in " + maxBytes + " bytes even at " + w + " pixels");
            }
            w = Math.max(MIN_WIDTH, w / 2);
        }
    }

    private static BufferedImage scale(BufferedImage image, int width) {
        int height = Math.max(1, (int) Math.round((double) image.getHeight() * width / image.getWidth()));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] encode(BufferedImage image, float quality) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IOException("this Java has no JPEG writer");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
