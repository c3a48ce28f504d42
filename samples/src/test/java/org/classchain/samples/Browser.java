package org.classchain.samples;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the console's tests, driven through the SYSTEM chromedriver: both paths
 * are given explicitly, so Selenium Manager never looks for, or downloads, a driver or a browser.
 * CI installs them with {@code apt-get install chromium chromium-driver}.
 */
final class Browser implements AutoCloseable {

    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Where the tests leave their screenshots. */
    static final Path SHOTS = Path.of("target", "console-screenshots");

    final ChromeDriver driver;

    /** Whether this machine has the system browser and driver. */
    static boolean available() {
        return Files.isExecutable(DRIVER) && Files.isExecutable(CHROMIUM);
    }

    /** Skips the calling test where the system browser or driver is missing. */
    static void assumeAvailable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(available(),
                "no /usr/bin/chromedriver and /usr/bin/chromium: apt-get install chromium chromium-driver");
    }

    /** A wait of at most {@code seconds} that checks its condition every 100 ms. */
    org.openqa.selenium.support.ui.WebDriverWait waitFor(int seconds) {
        return new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    }

    /** Closes a browser and a classroom, either of which may be null (a start that failed or was skipped). */
    static void closeBoth(Browser browser, AutoCloseable room) throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (room != null) {
                room.close();
            }
        }
    }

    /**
     * @param profile a fresh, empty folder for the browser's profile
     * @param hideWebCrypto whether to remove {@code crypto.subtle} before any page script runs, as a
     *                      plain-http LAN address would
     */
    Browser(Path profile, boolean hideWebCrypto, int width, int height) {
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + width + "," + height, "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        if (hideWebCrypto) {
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "Object.defineProperty(Crypto.prototype, 'subtle', {get: function () { return undefined; },"
                            + " configurable: true});"));
        }
    }

    /** Saves what the page shows as {@code target/console-screenshots/<name>.png}. */
    Path screenshot(String name) throws IOException {
        return screenshot(name, false);
    }

    /** Saves a screenshot, first scrolled to the top of the page when {@code top}. */
    Path screenshot(String name, boolean top) throws IOException {
        if (top) {
            driver.executeScript("window.scrollTo(0, 0);");
        }
        Files.createDirectories(SHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path out = SHOTS.resolve(name + ".png");
        Files.copy(shot.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
