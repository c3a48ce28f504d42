package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.GraphicsEnvironment;
import java.time.Duration;
import java.util.Map;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.NoticeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MessageModuleTest {

    private final MessageModule module = new MessageModule();

    private Outcome run(TestContext context, Map<String, String> args) {
        return module.execute(context, TestContext.command("message", args));
    }

    @Test
    void argumentTypesAreCheckedBeforeMining() {
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of())).anyMatch(p -> p.contains("missing argument 'text'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("text", "hi", "seconds", "soon")))
                .anyMatch(p -> p.contains("'seconds'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("text", "hi", "colour", "red")))
                .anyMatch(p -> p.contains("unknown argument 'colour'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("text", "hi"))).isEmpty();
    }

    @Test
    void valuesOutOfRangeFailWithoutShowingAnything() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        TestContext context = new TestContext().with(DesktopService.class, desktop);
        assertThat(run(context, Map.of("text", "x".repeat(2001))).detail()).contains("longer than 2000");
        assertThat(run(context, Map.of("text", "hi", "seconds", "0")).detail()).contains("between 1 and 3600");
        assertThat(run(context, Map.of("text", "hi", "seconds", "3601")).success()).isFalse();
        assertThat(run(context, Map.of("text", "  ")).detail()).contains("empty");
        assertThat(run(context, Map.of("text", "hi", "title", "t".repeat(201))).success()).isFalse();
        assertThat(desktop.messages).isEmpty();
    }

    @Test
    void showsTheTextThroughTheDesktop() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        RecordingNotices notices = new RecordingNotices();
        TestContext context = new TestContext().with(DesktopService.class, desktop).with(NoticeService.class, notices);

        Outcome o = run(context, Map.of("text", "<html><img src=http://x>Eyes up", "seconds", "7", "title", "Now"));

        assertThat(o.success()).isTrue();
        assertThat(o.detail()).isEqualTo("shown for 7 s");
        assertThat(desktop.messages).containsExactly(
                new FakeDesktop.Shown("Now", "<html><img src=http://x>Eyes up", Duration.ofSeconds(7)));
        assertThat(notices.notices).isEmpty();
    }

    @Test
    void defaultsApply() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        run(new TestContext().with(DesktopService.class, desktop), Map.of("text", "hi"));
        assertThat(desktop.messages).containsExactly(
                new FakeDesktop.Shown("Message from your teacher", "hi", Duration.ofSeconds(30)));
    }

    @Test
    void headlessTheTextBecomesANotice() {
        RecordingNotices notices = new RecordingNotices();
        TestContext context = new TestContext().with(DesktopService.class, FakeDesktop.headless())
                .with(NoticeService.class, notices);

        Outcome o = run(context, Map.of("text", "Eyes up"));

        assertThat(o.success()).isFalse();
        assertThat(o.unavailable()).isTrue();
        assertThat(o.detail()).startsWith("headless");
        assertThat(notices.notices).containsExactly("Message from your teacher|Eyes up");
    }

    @Test
    void withoutAnyHostServiceOnAHeadlessMachineTheRealDesktopTakesTheHeadlessPath() {
        assumeTrue(GraphicsEnvironment.isHeadless(), "this machine has a display");
        Outcome o = run(new TestContext(), Map.of("text", "Eyes up"));
        assertThat(o.success()).isFalse();
        assertThat(o.unavailable()).isTrue();
        assertThat(o.detail()).startsWith("headless");
    }
}
