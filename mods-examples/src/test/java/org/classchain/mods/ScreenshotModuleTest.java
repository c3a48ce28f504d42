package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.CommandModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.Test;

/**
 * The screenshot module (mods-examples) on a headless JVM: with a screen service, without one,
 * and with pictures that are hard to compress. Lives in samples' tests, beside the launcher that
 * ships the module, because mods-examples is being changed by another task.
 */
class ScreenshotModuleTest {

    private final ScreenshotModule module = new ScreenshotModule();

    private static Command command(Map<String, String> args) {
        return new Command(UUID.randomUUID(), "screenshot", Target.all(), args, Instant.now().plusSeconds(60));
    }

    private static ModuleContext context(ScreenshotModule.ScreenSource source) {
        TestContext c = new TestContext();
        return source == null ? c : c.with(ScreenshotModule.ScreenSource.class, source);
    }

    /** Random pixels: the worst case for JPEG. */
    static BufferedImage noise(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    @Test
    void isFoundByTheServiceLoaderWithItsArguments() {
        assertThat(ServiceLoader.load(CommandModule.class).stream().map(p -> p.get().name()))
                .contains("screenshot", "message");
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of())).isEmpty();
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("width", "wide"))).isNotEmpty();
        assertThat(module.apiVersion()).isEqualTo(CommandModule.API_VERSION);
    }

    @Test
    void headlessWithoutAScreenServiceFailsWithNoDisplay() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.awt.GraphicsEnvironment.isHeadless(),
                "this machine has a display (the headless-path execution covers it)");
        Outcome o = module.execute(context(null), command(Map.of()));
        assertThat(o.success()).isFalse();
        assertThat(o.detail()).isEqualTo("no display");
        assertThat(o.attachment()).isNull();
        Outcome nothing = module.execute(context(() -> null), command(Map.of()));
        assertThat(nothing.success()).isFalse();
        assertThat(nothing.detail()).isEqualTo("no display");
    }

    @Test
    void aScreenBecomesASmallJpegOfTheAskedWidth() throws Exception {
        Outcome o = module.execute(context(() -> noise(1920, 1080, 1)), command(Map.of()));
        assertThat(o.success()).isTrue();
        assertThat(o.attachment().contentType()).isEqualTo("image/jpeg");
        byte[] jpeg = o.attachment().content();
        assertThat(jpeg.length).isLessThanOrEqualTo(ScreenshotModule.MAX_BYTES);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(back.getWidth()).isLessThanOrEqualTo(320);
        assertThat(back.getHeight() * 1920).isBetween(back.getWidth() * 1080 - 1920, back.getWidth() * 1080 + 1920);
        assertThat(o.detail()).startsWith("screen 1920x1080, ");
    }

    @Test
    void aPictureThatDoesNotFitIsShrunkUntilItDoes() throws Exception {
        Outcome o = module.execute(context(() -> noise(2560, 1440, 2)), command(Map.of("width", "1280")));
        assertThat(o.success()).isTrue();
        byte[] jpeg = o.attachment().content();
        assertThat(jpeg.length).isLessThanOrEqualTo(ScreenshotModule.MAX_BYTES);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(back.getWidth()).as("noise at 1280 px cannot fit in 32 KB").isLessThan(1280);
    }

    @Test
    void aSmallScreenIsNeverScaledUp() throws Exception {
        Outcome o = module.execute(context(() -> noise(100, 50, 3)), command(Map.of("width", "640")));
        assertThat(ImageIO.read(new ByteArrayInputStream(o.attachment().content())).getWidth()).isEqualTo(100);
    }

    @Test
    void aWidthOutOfRangeFails() throws Exception {
        assertThat(module.execute(context(() -> noise(10, 10, 4)), command(Map.of("width", "10"))).detail())
                .contains("64-1280");
    }
}
