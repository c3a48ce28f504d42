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
 * What a teacher expects of the console beyond sending (issue 19, items 4 to 7), in a real
 * headless Chromium against a teacher and three students over HTTP: focus stays in the sign-in
 * form after a wrong password; the room is sorted, each computer with nobody signed in carries a
 * seat label the teacher gives it, and the teacher's own computer cannot be selected; the message
 * box is empty once sent; the results come back after a reload from the receipts the teacher's peer
 * keeps; the chain names computers and names instead of ids and "(none)", with a block's receipts
 * beside its raw form; and on a 412 px phone the commands come before the room and the receipts fit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleTeacherBrowserTest extends ConsoleClassroomBrowserTest {

    static final String PASSWORD = "the teacher's password 4-7";

    private String messageId;

    ConsoleTeacherBrowserTest() {
        super(1366, 1400);
    }

    @Override
    ConsoleClassroom classroom(Path dir) throws Exception {
        return new ConsoleClassroom(dir, PASSWORD, "", "", "");
    }

    private void open() {
        room.openConsole(browser);
    }

    private void signIn(String password) {
        WebElement u = driver.findElement(By.id("username"));
        u.clear();
        u.sendKeys(ConsoleClassroom.TEACHER);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("signin-button")).click();
    }

    private void signedIn() {
        signIn(PASSWORD);
        waitFor(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("session-state")));
    }

    private List<String> cardNames() {
        return driver.findElements(By.cssSelector("#room li.peer .name")).stream().map(WebElement::getText).toList();
    }

    private WebElement card(String name) {
        return driver.findElements(By.cssSelector("#room li.peer")).stream()
                .filter(li -> li.findElement(By.cssSelector(".name")).getText().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void focusStaysInTheFormAfterAWrongPassword() throws Exception {
        open();
        signIn("not the password");
        waitFor(30).until(d -> d.findElement(By.id("signin-error")).isDisplayed()
                && d.findElement(By.id("signin-button")).isEnabled());
        assertThat(driver.switchTo().activeElement().getAttribute("id")).as("focus after a failed sign-in")
                .isEqualTo("password");
        // the teacher types the right one at once, without reaching for the mouse
        driver.switchTo().activeElement().sendKeys(PASSWORD + Keys.ENTER);
        waitFor(30).until(ExpectedConditions.visibilityOfElementLocated(By.id("session-state")));
    }

    @Test
    @Order(2)
    void theRoomIsSortedWithSeatLabelsAndTheTeachersComputerIsNoTarget() throws Exception {
        waitFor(30).until(d -> cardNames().contains(ConsoleClassroom.TEACHER));
        List<WebElement> seats = driver.findElements(By.cssSelector("#room li.peer input.seat"));
        List<WebElement> shown = seats.stream().filter(WebElement::isDisplayed).toList();
        assertThat(shown).as("a seat label for each computer nobody is signed in at").hasSize(3);
        String[] labels = {"Seat 3", "Seat 1", "Seat 10"};
        for (int i = 0; i < shown.size(); i++) {
            shown.get(i).sendKeys(labels[i] + Keys.ENTER);
        }
        waitFor(10).until(d -> cardNames().equals(List.of(ConsoleClassroom.TEACHER, "Seat 1", "Seat 3", "Seat 10")));
        WebElement teacherBox = card(ConsoleClassroom.TEACHER).findElement(By.cssSelector("input.select"));
        assertThat(teacherBox.isEnabled()).as("the teacher's own computer as a target").isFalse();
        driver.findElement(By.id("select-all")).click();
        assertThat(driver.findElements(By.cssSelector("#room li.peer.selected"))).hasSize(3);
        driver.findElement(By.id("select-none")).click();
        browser.screenshot("teacher-01-room-sorted", true);
    }

    @Test
    @Order(3)
    void theMessageBoxEmptiesOnceSentAndTheChainNamesTheComputer() throws Exception {
        card("Seat 1").findElement(By.cssSelector("input.select")).click();
        driver.findElement(By.id("target-peers")).click();
        driver.findElement(By.id("module-message")).click();
        WebElement text = waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("arg-message-text")));
        text.sendKeys("Seat 1, please");
        driver.findElement(By.id("send-message")).click();
        waitFor(60).until(d -> d.findElements(By.cssSelector("#results article.result tr.result-row[data-status=EXECUTED]"))
                .size() == 1);
        assertThat(driver.findElement(By.id("arg-message-text")).getAttribute("value")).as("the message box once sent")
                .isEmpty();
        messageId = driver.findElement(By.cssSelector("#results article.result")).getAttribute("data-command-id");
        assertThat(driver.findElement(By.cssSelector("#results tr.result-row")).getText()).startsWith("Seat 1");

        // the chain: the target by name, and the block's receipts beside its raw form
        WebElement block = waitFor(30).until(d -> d.findElements(By.cssSelector("#blocks tr")).stream()
                .filter(r -> r.getText().contains("message → ")).findFirst().orElse(null));
        assertThat(block.getText()).contains("message → computers Seat 1");
        block.findElement(By.cssSelector("button.link")).click();
        WebElement receipt = waitFor(15).until(d -> d.findElements(By.cssSelector("#block-receipts tr.receipt-row"))
                .stream().findFirst().orElse(null));
        assertThat(receipt.getText()).startsWith("Seat 1").contains("executed");
        assertThat(driver.findElement(By.id("block-raw")).getText()).contains("\"module\": \"message\"");
        browser.screenshot("teacher-02-block-receipts");
        driver.findElement(By.id("block-close")).click();
        driver.findElement(By.id("select-none")).click();
        driver.findElement(By.id("target-all")).click();
    }

    @Test
    @Order(4)
    void aNameRegisteredOnTheChainIsNamed() throws Exception {
        NodeIdentity key = NodeIdentity.generate(new SecureRandom());
        byte[] signed = ("classchain-register-v1\n" + room.teacher.chain().chainId() + "\nnewcomer\n" + key.publicKey().hex())
                .getBytes(StandardCharsets.UTF_8);
        try (JettyTransport script = JettyTransport.builder().build()) {
            assertThat(script.send(room.teacher.address(), new Message.RegisterAccount("newcomer", key.publicKey(),
                    key.sign(signed))).get(10, TimeUnit.SECONDS)).isInstanceOf(Message.Ack.class);
        }
        waitFor(30).until(d -> d.findElements(By.cssSelector("#blocks tr")).stream()
                .anyMatch(r -> r.getText().contains("name newcomer registered")));
        assertThat(driver.findElements(By.cssSelector("#blocks tr")).stream().map(WebElement::getText))
                .noneMatch(t -> t.contains("(none)"));
    }

    @Test
    @Order(5)
    void resultsComeBackAfterAReload() throws Exception {
        open();
        assertThat(driver.findElements(By.cssSelector("#results article.result"))).isEmpty();
        signedIn();
        WebElement result = waitFor(30).until(d -> d.findElements(By.cssSelector(
                "#results article.result[data-command-id='" + messageId + "']")).stream().findFirst().orElse(null));
        waitFor(30).until(d -> result.findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 1);
        assertThat(result.findElement(By.cssSelector("h3")).getText()).isEqualTo("message (text=Seat 1, please)");
        assertThat(result.findElement(By.cssSelector("tr.result-row")).getText()).startsWith("Seat 1");
        assertThat(cardNames()).as("the seat labels outlive the page").contains("Seat 1", "Seat 3", "Seat 10");
        browser.screenshot("teacher-03-results-after-reload", true);
    }

    @Test
    @Order(6)
    void onAPhoneTheCommandsComeFirstAndTheReceiptsFit() throws Exception {
        // a message to every student, so that the receipt table has three rows
        driver.findElement(By.id("module-message")).click();
        waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("arg-message-text")))
                .sendKeys("Everyone: put your pens down and look at the board for a moment");
        driver.findElement(By.id("send-message")).click();
        waitFor(60).until(d -> d.findElements(By.cssSelector("#results article.result")).get(0)
                .findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 3);
        driver.manage().window().setSize(new Dimension(412, 915));
        try {
            JavascriptExecutor js = (JavascriptExecutor) driver;
            waitFor(5).until(d -> ((Number) js.executeScript("return window.innerWidth;")).intValue() <= 412);
            Number commands = (Number) js.executeScript(
                    "return document.getElementById('commands-section').getBoundingClientRect().top + window.scrollY;");
            Number roomTop = (Number) js.executeScript(
                    "return document.getElementById('room-section').getBoundingClientRect().top + window.scrollY;");
            Number buttons = (Number) js.executeScript(
                    "return document.getElementById('modules').getBoundingClientRect().top + window.scrollY;");
            System.out.printf("PHONE: commands at %d px, module buttons at %d px, room at %d px%n",
                    commands.intValue(), buttons.intValue(), roomTop.intValue());
            assertThat(commands.intValue()).as("the commands come before the room").isLessThan(roomTop.intValue());
            assertThat(buttons.intValue()).as("the module buttons within the second screen").isLessThan(2 * 915);
            assertThat((Number) js.executeScript("return document.documentElement.scrollWidth - window.innerWidth;"))
                    .as("no sideways scrolling").matches(n -> n.intValue() <= 0);
            // every receipt, its time included, within its box
            Object overflow = js.executeScript(
                    "var out = [];"
                    + "document.querySelectorAll('#results article.result').forEach(function (a) {"
                    + "  var box = a.getBoundingClientRect();"
                    + "  a.querySelectorAll('td').forEach(function (td) {"
                    + "    var r = td.getBoundingClientRect();"
                    + "    if (r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5)) out.push(td.textContent); });"
                    + "  var t = a.querySelector('table');"
                    + "  if (t.scrollWidth > a.clientWidth) out.push('table ' + t.scrollWidth + ' > ' + a.clientWidth); });"
                    + "return out;");
            assertThat((List<?>) overflow).as("cells outside their result's box").isEmpty();
            browser.screenshot("teacher-04-phone", true);
        } finally {
            driver.manage().window().setSize(new Dimension(1366, 1400));
        }
    }
}
