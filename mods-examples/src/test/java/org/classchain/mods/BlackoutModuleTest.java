package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.GraphicsEnvironment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.NoticeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BlackoutModuleTest {

    private final BlackoutModule blackout = new BlackoutModule();
    private final UnblackoutModule unblackout = new UnblackoutModule();

    @Test
    void argumentTypesAreCheckedBeforeMining() {
        assertThat(ArgumentSpec.problems(blackout.arguments(), Map.of())).as("no duration needed").isEmpty();
        assertThat(ArgumentSpec.problems(blackout.arguments(), Map.of("seconds", "a minute")))
                .anyMatch(p -> p.contains("'seconds' is not a whole number"));
        assertThat(ArgumentSpec.problems(blackout.arguments(), Map.of("seconds", "60", "message", "Eyes front"))).isEmpty();
        assertThat(ArgumentSpec.problems(unblackout.arguments(), Map.of("seconds", "1")))
                .anyMatch(p -> p.contains("unknown argument 'seconds'"));
        assertThat(ArgumentSpec.problems(unblackout.arguments(), Map.of())).isEmpty();
    }

    @Test
    void valuesOutOfRangeFailWithoutBlackingOut() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        TestContext context = new TestContext().with(DesktopService.class, desktop);
        for (String seconds : new String[] {"0", "-5", "3601", "99999999999"}) {
            Outcome o = blackout.execute(context, TestContext.command("blackout", Map.of("seconds", seconds)));
            assertThat(o.success()).isFalse();
            assertThat(o.detail()).contains("between 1 and 3600");
        }
        Outcome longMessage = blackout.execute(context,
                TestContext.command("blackout", Map.of("seconds", "5", "message", "m".repeat(201))));
        assertThat(longMessage.detail()).contains("longer than 200");
        assertThat(desktop.blackouts).isEmpty();
    }

    @Test
    void blacksOutAndEndsThroughTheDesktop() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        TestContext context = new TestContext().with(DesktopService.class, desktop);

        Outcome on = blackout.execute(context, TestContext.command("blackout", Map.of("seconds", "60", "message", "Eyes front")));
        assertThat(on.success()).isTrue();
        assertThat(on.detail()).isEqualTo("black for 60 s on 2 screens");
        assertThat(desktop.blackouts).containsExactly(new FakeDesktop.Black(Duration.ofSeconds(60), "Eyes front"));

        Outcome off = unblackout.execute(context, TestContext.command("unblackout", Map.of()));
        assertThat(off.success()).isTrue();
        assertThat(off.detail()).isEqualTo("blackout ended");
        assertThat(unblackout.execute(context, TestContext.command("unblackout", Map.of())).detail())
                .isEqualTo("no blackout was up");
    }

    @Test
    void withoutSecondsItLastsUntilUnblackout() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        Outcome on = blackout.execute(new TestContext().with(DesktopService.class, desktop),
                TestContext.command("blackout", Map.of("message", "Eyes front")));
        assertThat(on.detail()).isEqualTo("black until unblackout on 2 screens");
        assertThat(desktop.blackouts).containsExactly(new FakeDesktop.Black(null, "Eyes front"));
    }

    @Test
    void lockNeedsNoDurationAndOnlyUnlockEndsIt() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        TestContext context = new TestContext().with(DesktopService.class, desktop);
        Outcome on = new LockModule().execute(context, TestContext.command("lock", Map.of()));
        assertThat(on.success()).isTrue();
        assertThat(on.detail()).isEqualTo("locked until unlock on 2 screens");
        assertThat(desktop.locks).containsExactly(new FakeDesktop.Black(null, LockModule.DEFAULT_MESSAGE));
        assertThat(unblackout.execute(context, TestContext.command("unblackout", Map.of())).detail())
                .isEqualTo("no blackout was up");
        desktop.interruptions = 3;
        assertThat(new UnlockModule().execute(context, TestContext.command("unlock", Map.of())).detail())
                .isEqualTo("unlocked; interrupted 3 times, restored each time");
        assertThat(new LockModule().execute(context, TestContext.command("lock", Map.of("seconds", "0"))).detail())
                .contains("between 1 and 3600");
    }

    @Test
    void headlessDisplayCommandsAnswerUnavailableNeverExecuted() {
        TestContext context = new TestContext().with(DesktopService.class, FakeDesktop.headless())
                .with(NoticeService.class, new RecordingNotices());
        for (Outcome o : new Outcome[] {
                blackout.execute(context, TestContext.command("blackout", Map.of())),
                unblackout.execute(context, TestContext.command("unblackout", Map.of())),
                new LockModule().execute(context, TestContext.command("lock", Map.of())),
                new UnlockModule().execute(context, TestContext.command("unlock", Map.of()))}) {
            assertThat(o.success()).isFalse();
            assertThat(o.unavailable()).as(o.detail()).isTrue();
            assertThat(o.detail()).startsWith("headless");
        }
    }

    @Test
    void withoutAMessageNoneIsShown() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        Map<String, String> args = new HashMap<>(Map.of("seconds", "3"));
        blackout.execute(new TestContext().with(DesktopService.class, desktop), TestContext.command("blackout", args));
        assertThat(desktop.blackouts).containsExactly(new FakeDesktop.Black(Duration.ofSeconds(3), null));
    }

    @Test
    void headlessItBecomesANoticeAndTheReceiptSaysSo() {
        RecordingNotices notices = new RecordingNotices();
        TestContext context = new TestContext().with(DesktopService.class, FakeDesktop.headless())
                .with(NoticeService.class, notices);

        Outcome on = blackout.execute(context, TestContext.command("blackout", Map.of("seconds", "60", "message", "Eyes front")));
        Outcome off = unblackout.execute(context, TestContext.command("unblackout", Map.of()));

        assertThat(on.unavailable()).isTrue();
        assertThat(on.detail()).startsWith("headless");
        assertThat(notices.notices).containsExactly("Blackout|screens blacked out for 60 s: Eyes front");
        assertThat(off.unavailable()).isTrue();
        assertThat(off.detail()).startsWith("headless");
    }

    @Test
    void withoutAnyHostServiceOnAHeadlessMachineTheRealDesktopTakesTheHeadlessPath() {
        assumeTrue(GraphicsEnvironment.isHeadless(), "this machine has a display");
        Outcome on = blackout.execute(new TestContext(), TestContext.command("blackout", Map.of("seconds", "2")));
        assertThat(on.detail()).startsWith("headless");
        assertThat(on.unavailable()).isTrue();
        assertThat(unblackout.execute(new TestContext(), TestContext.command("unblackout", Map.of())).detail())
                .startsWith("headless");
    }
}
