package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.mods.BrowserPolicyPlaces;
import org.classchain.mods.WebLimitsModule;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Issue 19, item 8, in the system's real Chromium: the {@code web-limits} module's policy file in
 * Chromium's real managed policy folder makes Chromium refuse a blocked site ("This page is
 * blocked", net::ERR_BLOCKED_BY_ADMINISTRATOR), and lifting it makes the site load again; and the console draws the module's form from its argument description and sends it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebLimitsBrowserTest {

    /** Debian's Chromium reads its administrator's policies here. */
    static final Path CHROMIUM_MANAGED = Path.of("/etc/chromium/policies/managed");

    /**
     * Writes a uniquely named policy file into {@code /etc/chromium/policies/managed} blocking only
     * this test's own server ({@code 127.0.0.1:<its port>}), so that nothing else on the machine is
     * blocked, and lifts it in every case. Needs root and Chromium; skips, saying why, without them.
     */
    @Test
    void chromiumRefusesABlockedSiteAndLoadsItAgainOnceTheLimitIsLifted(@TempDir Path tmp) throws Exception {
        Browser.Binaries binaries = Browser.locate(getClass());
        Browser.assumeFound(binaries);
        Path existing = CHROMIUM_MANAGED;
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        Assumptions.assumeTrue(Files.isWritable(existing),
                () -> "not root: this test writes Chromium's real policy folder " + CHROMIUM_MANAGED);
        String fileName = "classchain-test-" + UUID.randomUUID() + ".json";
        BrowserPolicyPlaces places = new BrowserPolicyPlaces(List.of(new BrowserPolicyPlaces.Chromium("Chromium",
                CHROMIUM_MANAGED, fileName)), List.of(), tmp.resolve("state"));
        WebLimitsModule module = new WebLimitsModule(() -> places);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] page = "<html><body><p id=lesson>the lesson page</p></body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.start();
        String site = "127.0.0.1:" + server.getAddress().getPort();
        try {
            Outcome blocked = run(module, Map.of("action", "block", "sites", site));
            assertThat(blocked.success()).as(blocked.detail()).isTrue();
            assertThat(blocked.detail()).contains("blocked " + site).contains("Chromium (" + CHROMIUM_MANAGED.resolve(fileName));

            try (Browser browser = new Browser(binaries, tmp.resolve("profile-1"), false, 1024, 768)) {
                browser.driver.get("http://" + site + "/");
                String shown = browser.driver.findElement(By.tagName("body")).getText();
                browser.screenshot("web-limits-blocked");
                assertThat(shown).as("the page Chromium shows").contains("This page is blocked")
                        .doesNotContain("the lesson page");
                assertThat(shown).contains("Your organization doesn’t allow you to view this site");
            }
            // the error page names no code; Chromium's headless shell says which error the load met
            assertThat(headlessLoad(binaries, tmp.resolve("profile-3"), "http://" + site + "/"))
                    .contains("net::ERR_BLOCKED_BY_ADMINISTRATOR");

            Outcome lifted = run(module, Map.of("action", "lift"));
            assertThat(lifted.success()).as(lifted.detail()).isTrue();
            assertThat(CHROMIUM_MANAGED.resolve(fileName)).doesNotExist();
            try (Browser browser = new Browser(binaries, tmp.resolve("profile-2"), false, 1024, 768)) {
                browser.driver.get("http://" + site + "/");
                assertThat(browser.driver.findElement(By.id("lesson")).getText()).isEqualTo("the lesson page");
            }
        } finally {
            server.stop(0);
            if (Files.exists(CHROMIUM_MANAGED.resolve(fileName))) {
                run(module, Map.of("action", "lift")); // never leave this machine's Chromium limited
            }
        }
    }

    /**
     * The console draws {@code web-limits}' form from its arguments (a required action, the sites)
     * and sends it to every student; {@code lift} with no limit on changes nothing on this machine.
     */
    @Test
    void theConsoleDrawsTheWebLimitsFormAndSendsIt(@TempDir Path tmp) throws Exception {
        Browser.Binaries binaries = Browser.locate(getClass());
        Browser.assumeFound(binaries);
        String password = "the teacher's password web";
        try (ConsoleClassroom room = new ConsoleClassroom(tmp.resolve("room"), password, "");
             Browser browser = new Browser(binaries, tmp.resolve("profile"), false, 1366, 1400)) {
            room.openConsole(browser);
            browser.driver.findElement(By.id("username")).sendKeys(ConsoleClassroom.TEACHER);
            browser.driver.findElement(By.id("password")).sendKeys(password);
            browser.driver.findElement(By.id("signin-button")).click();
            browser.waitFor(30).until(d -> d.findElement(By.id("session-state")).isDisplayed());

            browser.driver.findElement(By.id("module-web-limits")).click();
            WebElement form = browser.driver.findElement(By.id("form-web-limits"));
            assertThat(form.isDisplayed()).isTrue();
            WebElement action = form.findElement(By.id("arg-web-limits-action"));
            WebElement sites = form.findElement(By.id("arg-web-limits-sites"));
            assertThat(action.getAttribute("required")).isNotNull();
            assertThat(sites.getAttribute("required")).isNull();
            assertThat(form.getText()).contains("action (required)").contains("block (these sites), only")
                    .contains("sites").contains("example.com,wikipedia.org");
            browser.screenshot("web-limits-form");

            action.sendKeys("lift");
            form.findElement(By.id("send-web-limits")).click();
            WebElement row = browser.waitFor(60).until(d -> d.findElements(By.cssSelector(
                    "#results article.result tr.result-row[data-status=EXECUTED]")).stream().findFirst().orElse(null));
            assertThat(row.getText()).contains("no web limits were on");
        }
    }

    /** What {@code chromium --headless=new --dump-dom URL} writes (output and errors), a fresh profile. */
    private static String headlessLoad(Browser.Binaries binaries, Path profile, String url) throws Exception {
        Process p = new ProcessBuilder(binaries.chromium().toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile.toAbsolutePath(), "--dump-dom",
                url).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Outcome run(WebLimitsModule module, Map<String, String> args) throws Exception {
        Command c = new Command(UUID.randomUUID(), module.name(), Target.all(), args,
                java.time.Instant.now().plusSeconds(600));
        return module.execute(new ModuleContext() {
            @Override
            public String nodeId() {
                return "test";
            }

            @Override
            public java.util.Set<String> signedInUsers() {
                return java.util.Set.of();
            }

            @Override
            public java.time.Clock clock() {
                return java.time.Clock.systemUTC();
            }

            @Override
            public <T> java.util.Optional<T> service(Class<T> type) {
                return java.util.Optional.empty();
            }
        }, c);
    }
}
