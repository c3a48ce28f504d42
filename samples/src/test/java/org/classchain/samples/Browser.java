package org.classchain.samples;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the console's tests, driven through the SYSTEM chromedriver: both paths
 * are given explicitly, so Selenium Manager never looks for, or downloads, a driver or a browser.
 * They are {@code -Dclasschain.chromium=PATH} and {@code -Dclasschain.chromedriver=PATH} when
 * given, else the first {@code chromium} (or {@code chromium-browser}, {@code google-chrome}) and
 * {@code chromedriver} on the PATH. CI installs them with {@code apt-get install chromium
 * chromium-driver}. Where they are missing the browser tests skip, each with the reason, and
 * print it once per test class.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM_PROPERTY = "classchain.chromium";
    static final String DRIVER_PROPERTY = "classchain.chromedriver";
    /** Where the tests leave their screenshots. */
    static final Path SHOTS = Path.of("target", "console-screenshots");

    /** The browser and its driver, as found, or why they were not. */
    record Binaries(Path chromium, Path driver, String problem) {
        boolean found() {
            return problem == null;
        }

        static Binaries locate() {
            Lookup chromium = Lookup.of(CHROMIUM_PROPERTY, "chromium", "chromium-browser", "google-chrome");
            Lookup driver = Lookup.of(DRIVER_PROPERTY, "chromedriver");
            List<String> problems = new ArrayList<>();
            chromium.problem().ifPresent(problems::add);
            driver.problem().ifPresent(problems::add);
            return new Binaries(chromium.path(), driver.path(), problems.isEmpty() ? null
                    : String.join("; ", problems) + " (apt-get install chromium chromium-driver)");
        }
    }

    /** One executable: from its system property, else the first of {@code names} on the PATH. */
    private record Lookup(Path path, Optional<String> problem) {
        static Lookup of(String property, String... names) {
            String given = System.getProperty(property, "").strip();
            if (!given.isEmpty()) {
                Path p = Path.of(given);
                return Files.isRegularFile(p) && Files.isExecutable(p) ? new Lookup(p, Optional.empty())
                        : new Lookup(null, Optional.of("-D" + property + "=" + given + " is not an executable file"));
            }
            String pathVariable = Objects.requireNonNullElse(System.getenv("PATH"), "");
            for (String name : names) {
                for (String dir : pathVariable.split(File.pathSeparator)) {
                    if (dir.isEmpty()) {
                        continue;
                    }
                    Path p = Path.of(dir, name);
                    if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                        return new Lookup(p, Optional.empty());
                    }
                }
            }
            return new Lookup(null, Optional.of("no " + String.join(" or ", names) + " on the PATH (" + pathVariable
                    + ") and no -D" + property + "=PATH"));
        }
    }

    /**
     * A wait of at most {@code seconds} that checks its condition every 100 ms. An element the
     * console re-drew while the condition read it (the room's list is redrawn on every event) is
     * stale: that check counts as not yet met, and the next one finds the elements again (a wait
     * once failed on it, reading the transfer bars while a student's progress came in).
     */
    org.openqa.selenium.support.ui.WebDriverWait waitFor(int seconds) {
        org.openqa.selenium.support.ui.WebDriverWait wait = new org.openqa.selenium.support.ui.WebDriverWait(driver,
                Duration.ofSeconds(seconds), Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
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
     * Finds the browser and its driver for a test class; when they are missing, prints once on
     * the test's output ({@code target/surefire-reports/<test>-output.txt}) why its tests skip.
     */
    static Binaries locate(Class<?> test) {
        Binaries found = Binaries.locate();
        if (!found.found()) {
            System.out.println(test.getSimpleName() + " SKIPPED, no browser: " + found.problem());
        }
        return found;
    }

    /** Skips the current test, giving the reason in its report, unless the browser and driver were found. */
    static void assumeFound(Binaries binaries) {
        Assumptions.assumeTrue(binaries.found(), () -> "no browser: " + binaries.problem());
    }

    final ChromeDriver driver;

    /**
     * @param binaries where the browser and its driver are, both found ({@link #locate})
     * @param profile a fresh, empty folder for the browser's profile
     * @param hideWebCrypto whether to remove {@code crypto.subtle} before any page script runs, as a
     *                      plain-http LAN address would
     */
    Browser(Binaries binaries, Path profile, boolean hideWebCrypto, int width, int height) {
        System.setProperty("webdriver.chrome.driver", binaries.driver().toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binaries.chromium().toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + width + "," + height, "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(binaries.driver().toFile()).usingAnyFreePort().build();
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
