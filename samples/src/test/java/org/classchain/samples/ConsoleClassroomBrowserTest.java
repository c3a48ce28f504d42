package org.classchain.samples;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the console's browser tests share: one classroom of real peers and one Chromium for the
 * whole class, both started once and closed after the last test; every test skipped, saying why,
 * where Chromium or chromedriver is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsoleClassroomBrowserTest {

    ConsoleClassroom room;
    Browser browser;
    WebDriver driver;
    private Browser.Binaries binaries;
    private final int width;
    private final int height;

    /** A browser window of this size (a tall one shows the whole page in the screenshots). */
    ConsoleClassroomBrowserTest(int width, int height) {
        this.width = width;
        this.height = height;
    }

    /** The classroom this class drives, its data in {@code dir}. */
    abstract ConsoleClassroom classroom(Path dir) throws Exception;

    @BeforeAll
    final void startClassroomAndBrowser(@TempDir Path tmp) throws Exception {
        binaries = Browser.locate(getClass());
        if (!binaries.found()) {
            return;
        }
        room = classroom(tmp.resolve("room"));
        browser = new Browser(binaries, tmp.resolve("profile"), false, width, height);
        driver = browser.driver;
    }

    @BeforeEach
    final void browserFound() {
        Browser.assumeFound(binaries);
    }

    @AfterAll
    final void stopClassroomAndBrowser() throws Exception {
        Browser.closeBoth(browser, room);
    }

    final WebDriverWait waitFor(int seconds) {
        return browser.waitFor(seconds);
    }
}
