package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The teacher console in a real headless Chromium against a teacher and three students, each a
 * real peer over HTTP: a wrong password, a sign-in whose SRP-6a runs in the page, a message to
 * every student with three EXECUTED rows filling in live, a thumbnail of each student's (fake)
 * screen, and the chain as the audit log. Screenshots land in {@code target/console-screenshots}.
 * Skipped, saying why, where Chromium or its driver is not found (see {@link Browser}; CI installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleBrowserTest extends ConsoleClassroomBrowserTest {

    /** Not ASCII, and typed composed while... well, typed: NFC and UTF-8 both matter. */
    static final String PASSWORD = "Zoë's straße 7";


    ConsoleBrowserTest() {
        super(1280, 1500);
    }

    @Override
    ConsoleClassroom classroom(Path dir) throws Exception {
        return new ConsoleClassroom(dir, PASSWORD, "", "", "");
    }

    private void open() {
        room.openConsole(browser);
    }

    private void signIn(String user, String password) {
        WebElement u = driver.findElement(By.id("username"));
        u.clear();
        u.sendKeys(user);
        WebElement p = driver.findElement(By.id("password"));
        p.clear();
        p.sendKeys(password);
        driver.findElement(By.id("signin-button")).click();
    }

    @Test
    @Order(1)
    void aWrongPasswordSaysSo() throws Exception {
        open();
        assertThat(driver.findElement(By.id("served-by")).getText()).contains("Served by peer").contains("TEACHER");
        assertThat(driver.findElement(By.id("student-warning")).isDisplayed()).isFalse();
        signIn(ConsoleClassroom.TEACHER, "not the password");
        WebElement error = waitFor(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("signin-error")));
        assertThat(error.getText()).isEqualTo("Wrong username or password.");
        assertThat(driver.findElement(By.id("session")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("password")).getAttribute("value")).as("the field is cleared").isEmpty();
        browser.screenshot("01-wrong-password", true);
    }

    @Test
    @Order(2)
    void theTeacherSignsInSendsAMessageAndSeesEveryReceipt() throws Exception {
        open();
        signIn(ConsoleClassroom.TEACHER, PASSWORD);
        WebElement session = waitFor(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("session-state")));
        assertThat(session.getText()).isEqualTo("Signed in as teacher (TEACHER)");
        assertThat(driver.findElement(By.id("signin-error")).isDisplayed()).isFalse();

        driver.findElement(By.id("module-message")).click();
        WebElement text = waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("arg-message-text")));
        text.sendKeys("Eyes on the board, please — «merci»");
        driver.findElement(By.id("send-message")).click();

        waitFor(60).until(d -> d.findElements(By.cssSelector("#results article.result tr.result-row[data-status=EXECUTED]"))
                .size() == 3);
        List<WebElement> rows = driver.findElements(By.cssSelector("#results article.result tr.result-row"));
        assertThat(rows).hasSize(3);
        for (WebElement row : rows) {
            assertThat(row.getText()).contains("executed");
        }
        assertThat(driver.findElement(By.cssSelector("#results article.result h3")).getText())
                .startsWith("message (text=Eyes on the board");

        // the block that carried it is in the audit log, granted by the teacher
        WebElement block = waitFor(30).until(d -> d.findElements(By.cssSelector("#blocks tr")).stream()
                .filter(r -> r.getText().contains("message → every student")).findFirst().orElse(null));
        assertThat(block.getText()).contains("teacher (TEACHER)");
        browser.screenshot("02-message-executed");

        block.findElement(By.cssSelector("button.link")).click();
        waitFor(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("block-check"), "✓ Checked in this browser"));
        assertThat(driver.findElement(By.id("block-raw")).getText()).contains("\"module\": \"message\"");
        browser.screenshot("03-raw-block");
        driver.findElement(By.id("block-close")).click();
    }

    @Test
    @Order(3)
    void freshThumbnailsShowEveryStudentsScreen() throws Exception {
        // still signed in from the previous test: the page was not reloaded
        assertThat(driver.findElement(By.id("session-state")).getText()).startsWith("Signed in as teacher");
        waitFor(10).until(ExpectedConditions.elementToBeClickable(By.id("refresh-thumbs"))).click();
        waitFor(60).until(d -> d.findElements(By.cssSelector("#room img.thumb")).size() == 3
                && Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return Array.from(document.querySelectorAll('#room img.thumb'))"
                        + ".every(function (i) { return i.complete && i.naturalWidth === 320; });")));
        for (WebElement img : driver.findElements(By.cssSelector("#room img.thumb"))) {
            assertThat(img.getAttribute("alt")).startsWith("Screen of ");
            String src = img.getAttribute("src");
            assertThat(src).contains("/api/v1/screens/").contains("&mac=");
            // the same picture without the teacher's view token is refused
            java.net.http.HttpResponse<String> anonymous = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(src.substring(0, src.indexOf('?')))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
        }
        // the teacher's own card has no thumbnail: 'all' targets students only
        assertThat(driver.findElements(By.cssSelector("#room li.peer")).stream()
                .filter(li -> li.getText().contains("TEACHER")).findFirst().orElseThrow()
                .findElements(By.cssSelector("img.thumb"))).isEmpty();
        browser.screenshot("04-thumbnails", true);
    }

    @Test
    @Order(4)
    void selectedComputersAloneGetACommand() throws Exception {
        List<WebElement> boxes = driver.findElements(By.cssSelector("#room li.peer input.select"));
        WebElement studentBox = driver.findElements(By.cssSelector("#room li.peer")).stream()
                .filter(li -> li.getText().contains("STUDENT")).findFirst().orElseThrow()
                .findElement(By.cssSelector("input.select"));
        assertThat(boxes).hasSize(4);
        studentBox.click();
        driver.findElement(By.id("target-peers")).click();
        assertThat(driver.findElement(By.id("target-summary")).getText()).contains("1 selected computer");
        WebElement text = driver.findElement(By.id("arg-message-text"));
        text.clear();
        text.sendKeys("Only you");
        driver.findElement(By.id("send-message")).click();
        waitFor(60).until(d -> {
            List<WebElement> results = d.findElements(By.cssSelector("#results article.result"));
            return results.size() == 2 && results.get(0).findElements(By.cssSelector("tr.result-row")).size() == 1
                    && results.get(0).findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 1;
        });
        driver.findElement(By.id("select-all")).click();
        // every student's computer: the teacher's own is never a target
        assertThat(driver.findElements(By.cssSelector("#room li.peer.selected"))).hasSize(3);
        driver.findElement(By.id("select-none")).click();
        assertThat(driver.findElements(By.cssSelector("#room li.peer.selected"))).isEmpty();
        driver.findElement(By.id("target-all")).click();
        browser.screenshot("05-console", true);
    }

    @Test
    @Order(5)
    void theTeacherFreesANameAStudentTook() throws Exception {
        // a student's script takes a name with a fresh key, as issue 15 describes
        NodeIdentity key = NodeIdentity.generate(new SecureRandom());
        String chainId = room.teacher.chain().chainId();
        byte[] signed = ("classchain-register-v1\n" + chainId + "\nsquatter\n" + key.publicKey().hex())
                .getBytes(StandardCharsets.UTF_8);
        try (JettyTransport script = JettyTransport.builder().build()) {
            assertThat(script.send(room.teacher.address(), new Message.RegisterAccount("squatter", key.publicKey(),
                    key.sign(signed))).get(10, TimeUnit.SECONDS)).isInstanceOf(Message.Ack.class);
        }
        waitFor(30).until(d -> d.findElements(By.cssSelector("#accounts li[data-username=squatter][data-retired=false]"))
                .size() == 1);
        WebElement name = driver.findElement(By.id("account-name"));
        name.clear();
        name.sendKeys("squatter");
        driver.findElement(By.id("account-free")).click();
        waitFor(30).until(d -> d.findElements(By.cssSelector("#accounts li[data-username=squatter][data-retired=true]"))
                .size() == 1);
        assertThat(room.teacher.chain().accounts().get("squatter").isRetired()).isTrue();
        assertThat(driver.findElement(By.id("account-error")).isDisplayed()).isFalse();
        browser.screenshot("05b-name-freed", true);
    }

    @Test
    @Order(6)
    void aStudentsPeerServesTheConsoleWithAWarning() throws Exception {
        driver.get(room.students.get(0).address() + "/");
        waitFor(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("served-by"), "STUDENT"));
        WebElement warning = waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("student-warning")));
        assertThat(warning.getText()).contains("served by a STUDENT's computer").contains("device you trust");
        browser.screenshot("06-student-peer", true);
    }

    @Test
    @Order(7)
    void repeatedWrongPasswordsSayWhenToTryAgain() throws Exception {
        open();
        String message = "";
        for (int i = 0; i < 12 && !message.startsWith("Too many"); i++) {
            signIn(ConsoleClassroom.TEACHER, "wrong " + i);
            waitFor(30).until(d -> d.findElement(By.id("signin-button")).isEnabled()
                    && d.findElement(By.id("signin-error")).isDisplayed());
            message = driver.findElement(By.id("signin-error")).getText();
            if (!message.startsWith("Too many")) {
                assertThat(message).isEqualTo("Wrong username or password.");
            }
        }
        assertThat(message).matches("Too many failed attempts for this account or this computer\\. "
                + "Try again in \\d+ s \\(at .+\\)\\.");
        browser.screenshot("07-locked-out", true);
    }

    @Test
    @Order(8)
    void fitsATabletAndWorksFromTheKeyboard() throws Exception {
        driver.manage().window().setSize(new Dimension(768, 1024));
        try {
            open();
            JavascriptExecutor js = (JavascriptExecutor) driver;
            assertThat((Long) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth;"))
                    .as("no sideways scrolling at tablet width").isLessThanOrEqualTo(0L);
            WebElement body = driver.findElement(By.tagName("body"));
            body.sendKeys(Keys.TAB);
            assertThat(driver.switchTo().activeElement().getText()).isEqualTo("Skip to the console");
            driver.switchTo().activeElement().sendKeys(Keys.TAB);
            assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("username");
            WebElement module = driver.findElement(By.id("module-message"));
            module.sendKeys(Keys.ENTER);
            assertThat(module.getAttribute("aria-expanded")).isEqualTo("true");
            assertThat(driver.switchTo().activeElement().getAttribute("id")).as("focus moves into the form")
                    .isEqualTo("arg-message-text");
            browser.screenshot("08-tablet", true);
        } finally {
            driver.manage().window().setSize(new Dimension(1280, 1500));
        }
    }
}
