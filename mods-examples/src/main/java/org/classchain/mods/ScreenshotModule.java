package org.classchain.mods;

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
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/**
 * {@code screenshot}: a small JPEG of this computer's screens for the teacher's room view,
 * carried back as the receipt's attachment (never on the chain). All screens are captured as one
 * picture with {@link Robot}, or taken from a {@link ScreenSource} host service when the peer
 * provides one; a headless machine without one reports FAILED "no display". The picture is scaled
 * to {@code width} pixels and its JPEG quality lowered, then its size halved, until it fits in
 * {@link #MAX_BYTES}. A student's local policy can refuse this module like any other.
 */
public final class ScreenshotModule implements CommandModule {

    /** The largest thumbnail sent: well under the receipt attachment limit. */
    public static final int MAX_BYTES = 32 * 1024;
    private static final float[] QUALITIES = {0.75f, 0.6f, 0.45f, 0.3f, 0.2f};
    private static final int MIN_WIDTH = 32;

    /** A module with nothing to configure: what {@link java.util.ServiceLoader} creates. */
    public ScreenshotModule() {
    }

    @Override
    public String name() {
        return "screenshot";
    }

    @Override
    public String description() {
        return "A small picture of the students' screens, for the room view";
    }

    @Override
    public List<ArgumentSpec> arguments() {
        return List.of(ArgumentSpec.optional("width", ArgumentType.INTEGER, "320",
                "thumbnail width in pixels (64-1280); smaller if it would not fit in 32 KB"));
    }

    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    public Duration timeout() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Outcome execute(ModuleContext context, Command command) throws Exception {
        long width = Long.parseLong(argument(command, "width").trim());
        if (width < 64 || width > 1280) {
            return Outcome.failed("width must be 64-1280, not " + width);
        }
        Optional<ScreenSource> source = context.service(ScreenSource.class);
        BufferedImage screen;
        if (source.isPresent()) {
            screen = source.get().capture();
        } else if (GraphicsEnvironment.isHeadless()) {
            return Outcome.failed("no display");
        } else {
            screen = captureAllScreens();
        }
        if (screen == null) {
            return Outcome.failed("no display");
        }
        byte[] jpeg = thumbnail(screen, (int) width);
        return Outcome.executed("screen " + screen.getWidth() + "x" + screen.getHeight() + ", " + jpeg.length + " bytes")
                .withAttachment(new Attachment("image/jpeg", jpeg));
    }

    /** Every screen as one picture, their bounds united. */
    static BufferedImage captureAllScreens() throws AWTException {
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
     * A JPEG of {@code image} at most {@link #MAX_BYTES} long: scaled to {@code width} (never
     * up), quality lowered step by step, then the size halved, down to {@value #MIN_WIDTH} pixels wide.
     *
     * @throws IOException if even the smallest picture does not fit
     */
    static byte[] thumbnail(BufferedImage image, int width) throws IOException {
        int w = Math.max(MIN_WIDTH, Math.min(width, image.getWidth()));
        while (true) {
            BufferedImage scaled = scale(image, w);
            for (float q : QUALITIES) {
                byte[] jpeg = jpeg(scaled, q);
                if (jpeg.length <= MAX_BYTES) {
                    return jpeg;
                }
            }
            if (w == MIN_WIDTH) {
                throw new IOException("the screen does not fit in " + MAX_BYTES + " bytes even at " + w + " pixels");
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

    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
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

    /**
     * A host service that gives the picture of this computer's screens, for machines where
     * {@link Robot} cannot (a Wayland session, a kiosk) and for tests. Called on the module's
     * thread; returns null when there is no screen to show.
     */
    public interface ScreenSource {
        /**
         * {@return the current picture of all screens, or null}
         *
         * @throws Exception when the picture cannot be taken; the command is reported FAILED
         */
        BufferedImage capture() throws Exception;
    }
}
