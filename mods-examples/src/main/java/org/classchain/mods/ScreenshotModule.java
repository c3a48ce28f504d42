package org.classchain.mods;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.classchain.Attachment;
import org.classchain.mods.host.ScreenPictures;
import org.classchain.Command;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;

/**
 * {@code screenshot}: a small JPEG of this computer's screens for the teacher's room view,
 * carried back as the receipt's attachment (never on the chain). All screens are captured as one
 * picture with {@link java.awt.Robot}, or taken from a {@link ScreenSource} host service when the peer
 * provides one; a headless machine without one reports FAILED "no display". The picture is scaled
 * to {@code width} pixels and its JPEG quality lowered, then its size halved, until it fits in
 * {@link #MAX_BYTES}. A student's local policy can refuse this module like any other.
 */
public final class ScreenshotModule implements CommandModule {

    /** The largest thumbnail sent: well under the receipt attachment limit. */
    public static final int MAX_BYTES = 32 * 1024;

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
            screen = ScreenPictures.captureAllScreens();
        }
        if (screen == null) {
            return Outcome.failed("no display");
        }
        byte[] jpeg = ScreenPictures.jpeg(screen, (int) width, MAX_BYTES);
        return Outcome.executed("screen " + screen.getWidth() + "x" + screen.getHeight() + ", " + jpeg.length + " bytes")
                .withAttachment(new Attachment("image/jpeg", jpeg));
    }

    /**
     * A host service that gives the picture of this computer's screens, for machines where
     * {@link java.awt.Robot} cannot (a Wayland session, a kiosk) and for tests. Called on the module's
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
