package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.classchain.core.peer.Peer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Issue 18's file picker, in a real headless Chromium against a teacher and three students over
 * HTTP: a 50 MB file picked in the console is uploaded to the teacher's peer (the page shows the
 * upload's progress), sent as {@code send-file} with the reference the peer answered, and reaches
 * every student's inbox with the same SHA-256, each computer's row EXECUTED; a file dropped on
 * the drop area is taken as if picked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ConsoleFilesBrowserTest extends ConsoleClassroomBrowserTest {

    static final String PASSWORD = "the teacher's password for files";

    ConsoleFilesBrowserTest() {
        super(1366, 1400);
    }

    @Override
    ConsoleClassroom classroom(Path dir) throws Exception {
        return new ConsoleClassroom(dir, PASSWORD, Duration.ofMillis(200), "", "", "");
    }

    @Test
    @Order(1)
    void aFiftyMegabyteFilePickedInTheConsoleReachesThreeStudentsWithItsSha256(@TempDir Path tmp) throws Exception {
        Path file = FilesOverHttpTest.randomFile(tmp.resolve("lesson video.mp4"), 50_000_000, 18);
        String sha = FilesOverHttpTest.sha256(file);
        room.openSignedIn(browser);
        // the view token, which the upload carries, is fetched just after the sign-in
        waitFor(15).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeAsyncScript(
                "var done = arguments[0]; import('/state.js').then(function (m) { done(!!m.state.view); });")));

        driver.findElement(By.id("file-input")).sendKeys(file.toString());
        waitFor(5).until(ExpectedConditions.textToBePresentInElementLocated(By.id("file-status"),
                "lesson video.mp4 (47.7 MB) ready to send"));
        // every bar any card shows from now on, as the page draws it
        ((JavascriptExecutor) driver).executeScript("""
                window.transfersSeen = [];
                new MutationObserver(function () {
                  document.querySelectorAll('#room li.peer .transfer-text').forEach(function (t) {
                    var line = t.closest('li.peer').getAttribute('data-node-id') + ' ' + t.textContent;
                    if (window.transfersSeen.indexOf(line) < 0) {
                      window.transfersSeen.push(line);
                    }
                  });
                }).observe(document.getElementById('room'), { childList: true, subtree: true, characterData: true });
                """);
        WebElement send = waitFor(5).until(ExpectedConditions.elementToBeClickable(By.id("file-send")));
        send.click();
        waitFor(120).until(ExpectedConditions.textToBePresentInElementLocated(By.id("file-status"),
                "lesson video.mp4 sent to every student"));
        browser.screenshot("files-01-sent", true);

        WebElement result = waitFor(180).until(d -> d.findElements(By.cssSelector("#results article.result")).stream()
                .filter(a -> a.getText().contains("send-file"))
                .filter(a -> a.findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 3)
                .findFirst().orElse(null));
        assertThat(result.getText()).contains("lesson video.mp4");
        for (int i = 0; i < room.students.size(); i++) {
            Path got = room.inboxOf(i).resolve("lesson video.mp4");
            assertThat(got).as("student %d's inbox", i + 1).exists();
            assertThat(FilesOverHttpTest.sha256(got)).as("student %d's copy", i + 1).isEqualTo(sha);
        }
        // each student's card showed its bar: part way (if a refresh fell inside the fetch), then 100 %
        for (Peer s : room.students) {
            waitFor(30).until(d -> seen().contains(s.nodeId() + " lesson video.mp4 100 % (saved)"));
        }
        List<String> seen = seen();
        assertThat(seen).allMatch(l -> l.matches("[0-9a-f]+ lesson video\\.mp4 (\\d{1,2} %|100 % \\(saved\\))"));
        assertThat(seen).as("only students' cards show a file arriving")
                .noneMatch(l -> l.startsWith(room.teacher.nodeId() + " "));
        System.out.println("bars seen: " + seen);
        browser.screenshot("files-02-arrived", true);
    }

    @SuppressWarnings("unchecked")
    private List<String> seen() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("return window.transfersSeen.slice();");
    }

    /** Drops a text file on the send area as a browser's drag and drop does. */
    private void drop(String name, String content) {
        ((JavascriptExecutor) driver).executeScript("""
                var dt = new DataTransfer();
                dt.items.add(new File([arguments[1]], arguments[0], { type: 'text/plain' }));
                var area = document.getElementById('file-drop');
                area.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
                area.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                """, name, content);
    }

    @Test
    @Order(2)
    void aFileDroppedOnTheAreaIsTakenAsIfPicked() {
        room.openSignedIn(browser);
        drop("dropped.txt", "hello, class");
        waitFor(5).until(ExpectedConditions.textToBePresentInElementLocated(By.id("file-status"),
                "dropped.txt (12 bytes) ready to send"));
        waitFor(5).until(ExpectedConditions.elementToBeClickable(By.id("file-send"))).click();
        waitFor(60).until(d -> d.findElements(By.cssSelector("#results article.result")).stream()
                .filter(a -> a.getText().contains("dropped.txt"))
                .anyMatch(a -> a.findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 3));
        for (int i = 0; i < room.students.size(); i++) {
            Path got = room.inboxOf(i).resolve("dropped.txt");
            Peer s = room.students.get(i);
            waitFor(30).until(d -> Files.exists(got));
            assertThat(got).as("at %s", s.nodeId()).hasContent("hello, class");
        }
    }

    /**
     * A file whose name is one long word (as downloads often are): each card's bar shows it cut
     * with an ellipsis inside the card, and the send area's status wraps inside its box. Before,
     * the card's own grid column grew to the name's full width and the bar and its text ran over
     * the next card (and the status past the send area's border).
     */
    @Test
    @Order(3)
    void aLongFileNameStaysInsideEachCard() throws Exception {
        room.openSignedIn(browser);
        String name = "Worksheet_Chapter_12_Fractions_and_Decimals_final_version_3_corrected.txt";
        drop(name, "fractions");
        waitFor(5).until(ExpectedConditions.elementToBeClickable(By.id("file-send"))).click();
        // every student's card draws the bar (at 100 %, kept 30 s after the file is saved)
        waitFor(60).until(d -> d.findElements(By.cssSelector("#room li.peer .transfer-text")).stream()
                .filter(t -> t.getAttribute("textContent").startsWith(name)).count() == room.students.size());
        browser.screenshot("files-03-long-name", true);
        @SuppressWarnings("unchecked")
        List<String> over = (List<String>) ((JavascriptExecutor) driver).executeScript("""
                var out = [];
                document.querySelectorAll('#room li.peer, #file-drop').forEach(function (card) {
                  var edge = card.getBoundingClientRect().right;
                  card.querySelectorAll('*').forEach(function (e) {
                    var r = e.getBoundingClientRect();
                    if (r.width > 0 && r.right > edge + 0.5) {
                      out.push((card.getAttribute('data-node-id') || card.id) + ' ' + e.tagName + '.' + e.className + ' ends at '
                          + Math.round(r.right) + ' past the card at ' + Math.round(edge));
                    }
                  });
                });
                return out;
                """);
        assertThat(over).as("parts of a card or of the send area drawn past its edge").isEmpty();
    }
}
