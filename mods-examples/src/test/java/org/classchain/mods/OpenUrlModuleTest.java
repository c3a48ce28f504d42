package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.NoticeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class OpenUrlModuleTest {

    private final OpenUrlModule module = new OpenUrlModule();

    private Outcome run(TestContext context, String url) {
        return module.execute(context, TestContext.command("open-url", Map.of("url", url)));
    }

    @Test
    void argumentTypesAreCheckedBeforeMining() {
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of())).anyMatch(p -> p.contains("missing argument 'url'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("url", "file:///etc/passwd")))
                .anyMatch(p -> p.contains("http or https"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("url", "https://example.org/a?b=c"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/", "smb://server/share",
        "https://teacher@evil.example/", "http://google.com:x@evil.example/", "https:///nohost", "not a url"})
    @Timeout(10)
    void refusesWhatIsNotAPlainWebPage(String url) {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        Outcome o = run(new TestContext().with(DesktopService.class, desktop), url);
        assertThat(o.success()).isFalse();
        assertThat(o.detail()).isNotBlank();
        assertThat(desktop.browsed).isEmpty();
    }

    @Test
    void overlongUrlsFail() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        Outcome o = run(new TestContext().with(DesktopService.class, desktop), "https://example.org/" + "a".repeat(2000));
        assertThat(o.detail()).contains("longer than 2000");
        assertThat(desktop.browsed).isEmpty();
    }

    @Test
    void opensThePageThroughTheDesktop() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        Outcome o = run(new TestContext().with(DesktopService.class, desktop), "https://example.org/lesson?id=3");
        assertThat(o.success()).isTrue();
        assertThat(o.detail()).isEqualTo("opened https://example.org/lesson?id=3");
        assertThat(desktop.browsed).containsExactly(URI.create("https://example.org/lesson?id=3"));
    }

    @Test
    void aMachineThatCannotOpenABrowserFailsClearly() {
        FakeDesktop desktop = FakeDesktop.withDisplay();
        desktop.browseFailure = new UnsupportedOperationException("no default browser");
        Outcome o = run(new TestContext().with(DesktopService.class, desktop), "http://example.org/");
        assertThat(o.success()).isFalse();
        assertThat(o.detail()).isEqualTo("no browser: no default browser");

        desktop.browseFailure = null;
        desktop.browseIoFailure = new IOException("xdg-open crashed");
        assertThat(run(new TestContext().with(DesktopService.class, desktop), "http://example.org/").detail())
                .isEqualTo("could not open the browser: xdg-open crashed");
    }

    @Test
    void headlessTheUrlBecomesANotice() {
        RecordingNotices notices = new RecordingNotices();
        TestContext context = new TestContext().with(DesktopService.class, FakeDesktop.headless())
                .with(NoticeService.class, notices);
        Outcome o = run(context, "https://example.org/");
        assertThat(o.success()).isFalse();
        assertThat(o.unavailable()).isTrue();
        assertThat(o.detail()).startsWith("headless");
        assertThat(notices.notices).containsExactly("Open this page|https://example.org/");
    }
}
