package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.mods.host.SystemPower;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Groups, each computer's state and Lock all (issue 19, item 10), in a real headless Chromium
 * against a teacher and three students over HTTP, each student with a {@link RecordingDesktop}
 * so that lock and message execute as on a screen: a group saved from the room is the target in
 * one click and the command reaches exactly its members; a page served by a student's peer cannot
 * see or change the teacher's groups, and the peer has no route to change them; Lock all locks
 * every student, each card then says "locked" (still after a reload, from the receipts the
 * teacher's peer keeps), and Unlock all undoes it. The power buttons (issue 19, item 9) ask to
 * confirm, naming the computers; Cancel sends nothing, and Restart reaches exactly the selected
 * computer, whose "systemctl reboot" is a script that records it ran.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConsoleGroupsBrowserTest extends ConsoleClassroomBrowserTest {

    static final String PASSWORD = "the teacher's password for groups";


    ConsoleGroupsBrowserTest() {
        super(1366, 1400);
    }

    private Path powerDir;

    @Override
    ConsoleClassroom classroom(Path dir) throws Exception {
        powerDir = java.nio.file.Files.createDirectories(dir.resolve("power"));
        return new ConsoleClassroom(dir, PASSWORD, Duration.ofMillis(200), true, (i, b) -> {
            java.util.Map<SystemPower.Action, String> lines = new java.util.EnumMap<>(SystemPower.Action.class);
            for (SystemPower.Action a : SystemPower.Action.values()) {
                lines.put(a, recorder(i).toString() + " " + a.argument());
            }
            b.service(SystemPower.class, new SystemPower(lines, "")); // the service's rights: no check here
        }, "", "", "");
    }

    /** Student {@code i}'s stand-in for systemctl and loginctl: appends its arguments to {@link #powerLog}. */
    private Path recorder(int i) {
        Path s = powerDir.resolve("student-" + i + ".sh");
        try {
            java.nio.file.Files.writeString(s, "#!/bin/sh\necho \"$*\" >> '" + powerLog(i) + "'\n");
            java.nio.file.Files.setPosixFilePermissions(s, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return s;
    }

    private Path powerLog(int i) {
        return powerDir.resolve("student-" + i + ".log");
    }

    private void openSignedIn() {
        room.openSignedIn(browser);
    }

    private WebElement card(Peer p) {
        return driver.findElement(By.cssSelector("#room li.peer[data-node-id='" + p.nodeId() + "']"));
    }

    private List<String> groupNames() {
        return driver.findElements(By.cssSelector("#groups button.group")).stream()
                .map(b -> b.getAttribute("data-group")).toList();
    }

    private Set<String> selectedCards() {
        return driver.findElements(By.cssSelector("#room li.peer.selected")).stream()
                .map(c -> c.getAttribute("data-node-id")).collect(Collectors.toSet());
    }

    /** Appends {@code n} blocks, each with one command for nobody, through the teacher's peer. */
    private void pushBlocks(int n) throws Exception {
        try (JettyTransport client = JettyTransport.builder().build()) {
            TeacherClient tc = new TeacherClient(client, new SecureRandom(), Duration.ofSeconds(15));
            assertThat(tc.signIn(room.teacher.address(), ConsoleClassroom.TEACHER, PASSWORD))
                    .isInstanceOf(Message.AuthConfirmed.class);
            for (int i = 0; i < n; i++) {
                long before = room.teacher.status().height();
                Command c = Command.create("message", Target.users("nobody"), Map.of("text", "filler " + i), Instant.now(),
                        Duration.ofMinutes(2));
                // forced: the teacher's host refuses a user nobody is known as unless told to send anyway
                assertThat(tc.submit(room.teacher.address(), List.of(c), true)).isInstanceOf(Message.Submitted.class);
                waitFor(30).until(d -> room.teacher.status().height() > before);
            }
        }
    }

    @Test
    @Order(1)
    void aGroupIsTheTargetInOneClickAndTheCommandReachesExactlyItsMembers() throws Exception {
        openSignedIn();
        Peer first = room.students.get(0);
        Peer outsider = room.students.get(1);
        Peer third = room.students.get(2);
        Set<String> members = Set.of(first.nodeId(), third.nodeId());
        card(first).findElement(By.cssSelector("input.select")).click();
        card(third).findElement(By.cssSelector("input.select")).click();
        driver.findElement(By.id("group-name")).sendKeys("Table 1");
        driver.findElement(By.id("group-save")).click();
        WebElement table = waitFor(5).until(d -> d.findElements(By.cssSelector("#groups button.group[data-group='Table 1']"))
                .stream().findFirst().orElse(null));
        assertThat(table.getText()).isEqualTo("Table 1 · 2");

        // elsewhere: nothing selected, every student the target
        driver.findElement(By.id("select-none")).click();
        driver.findElement(By.id("target-all")).click();
        assertThat(selectedCards()).isEmpty();

        table.click(); // the one click
        assertThat(driver.findElement(By.id("target-peers")).isSelected()).as("the selected computers are the target")
                .isTrue();
        assertThat(selectedCards()).isEqualTo(members);
        assertThat(driver.findElement(By.id("target-summary")).getText()).contains("2 selected computer(s)");
        assertThat(driver.findElement(By.cssSelector("#groups button.group[data-group='Table 1']"))
                .getAttribute("aria-pressed")).isEqualTo("true");
        browser.screenshot("groups-01-table-1-targeted", true);

        driver.findElement(By.id("module-message")).click();
        waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("arg-message-text"))).sendKeys("Table 1 only");
        driver.findElement(By.id("send-message")).click();
        WebElement result = waitFor(60).until(d -> d.findElements(By.cssSelector("#results article.result")).stream()
                .filter(a -> a.findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 2)
                .findFirst().orElse(null));
        assertThat(result.findElements(By.cssSelector("tr.result-row")).stream()
                .map(r -> r.getAttribute("data-peer-id")).collect(Collectors.toSet())).as("the rows").isEqualTo(members);
        assertThat(room.desktops.get(0).messages()).contains("Table 1 only");
        assertThat(room.desktops.get(2).messages()).contains("Table 1 only");
        // the outsider holds the block that carried it, and did not show it
        long height = room.teacher.status().height();
        waitFor(30).until(d -> outsider.status().height() >= height);
        assertThat(room.desktops.get(1).messages()).as("the student outside the group").doesNotContain("Table 1 only");
    }

    @Test
    @Order(2)
    void aStudentCannotSeeOrChangeTheTeachersGroups() throws Exception {
        // a page served by a student's peer: another origin, so other storage
        Peer student = room.students.get(1);
        driver.get(student.address() + "/");
        waitFor(20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("served-by"), "STUDENT"));
        waitFor(30).until(d -> d.findElements(By.cssSelector("#room li.peer")).size() == 4);
        assertThat(groupNames()).as("the teacher's groups, seen from a student's page").isEmpty();
        driver.findElement(By.id("select-all")).click();
        driver.findElement(By.id("group-name")).sendKeys("Table 1");
        driver.findElement(By.id("group-save")).click();
        waitFor(5).until(d -> groupNames().equals(List.of("Table 1")));

        // nor over the API, anonymously or with a student's session: the peer keeps no groups to change
        HttpClient http = HttpClient.newHttpClient();
        for (String address : List.of(room.teacher.address(), student.address())) {
            for (String method : List.of("PUT", "POST", "DELETE")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(address + "/api/v1/groups"))
                        .method(method, HttpRequest.BodyPublishers.ofString("{\"Table 1\":[]}"))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(method + " " + address + "/api/v1/groups").isEqualTo(404);
            }
        }

        room.openConsole(browser);
        waitFor(5).until(d -> !groupNames().isEmpty());
        assertThat(driver.findElement(By.cssSelector("#groups button.group[data-group='Table 1']")).getText())
                .as("the teacher's group, unchanged").isEqualTo("Table 1 · 2");
    }

    @Test
    @Order(3)
    void lockAllLocksEveryCardAndUnlockAllUndoesIt() throws Exception {
        openSignedIn();
        WebElement button = waitFor(15).until(ExpectedConditions.elementToBeClickable(By.id("lock-all")));
        assertThat(button.getText()).isEqualTo("Lock all");
        button.click();
        waitFor(60).until(d -> room.students.stream().allMatch(s -> "true".equals(card(s).getAttribute("data-locked"))));
        for (Peer s : room.students) {
            assertThat(card(s).findElement(By.cssSelector(".state")).getText()).contains("locked");
        }
        assertThat(room.desktops).allMatch(RecordingDesktop::locked);
        waitFor(5).until(ExpectedConditions.textToBe(By.id("lock-all"), "Unlock all"));
        browser.screenshot("groups-02-all-locked", true);

        // 25 more blocks, so that the lock is below the 20 the chain view shows; after a reload the
        // cards say it again, from the chain and the receipts the teacher's peer keeps
        pushBlocks(25);
        openSignedIn();
        waitFor(30).until(d -> room.students.stream().allMatch(s -> "true".equals(card(s).getAttribute("data-locked"))));
        waitFor(15).until(ExpectedConditions.textToBe(By.id("lock-all"), "Unlock all"));

        driver.findElement(By.id("lock-all")).click();
        waitFor(60).until(d -> room.students.stream().allMatch(s -> "false".equals(card(s).getAttribute("data-locked"))));
        for (Peer s : room.students) {
            assertThat(card(s).findElement(By.cssSelector(".state")).getText()).doesNotContain("locked");
        }
        assertThat(room.desktops).noneMatch(RecordingDesktop::locked);
        waitFor(5).until(ExpectedConditions.textToBe(By.id("lock-all"), "Lock all"));
        browser.screenshot("groups-03-all-unlocked", true);
    }

    /**
     * The rules behind a card's state, run on the page's own module in the browser, for commands
     * this classroom cannot execute (web-limits is not installed here): for each pair the last one
     * EXECUTED counts by its receipt's time, whatever order the receipts came in; a refused or
     * impossible command changes nothing; a lock or blackout given seconds ends by itself; files
     * arrive while a send-file waits for that computer's receipt and has not expired.
     */
    @Test
    @Order(4)
    @SuppressWarnings("unchecked")
    void aCardsStateIsTheLastCommandOfEachPairItsComputerExecuted() {
        Map<String, Map<String, Object>> out = (Map<String, Map<String, Object>>) ((JavascriptExecutor) driver)
                .executeAsyncScript("""
                var done = arguments[arguments.length - 1];
                Promise.all([import('/computers.js'), import('/state.js')]).then(function (m) {
                  var C = m[0], S = m[1].state, now = Date.now(), ids = [];
                  function add(peer, module, args, status, at, pending, notAfter) {
                    var id = 'rules-' + ids.length, receipts = new Map();
                    if (status) { receipts.set(peer, { status: status, at: at }); }
                    S.commands.set(id, { command: { id: id, module: module, args: args, notAfter: notAfter || now + 60000 },
                      receipts: receipts, pending: new Set(pending ? [peer] : []), rows: new Map() });
                    ids.push(id);
                  }
                  add('a', 'web-limits', { action: 'block', sites: 'x.example' }, 'EXECUTED', 1000);
                  add('a', 'web-limits', { action: 'lift' }, 'EXECUTED', 2000);
                  add('b', 'web-limits', { action: 'lift' }, 'EXECUTED', 1000);
                  add('b', 'web-limits', { action: 'allow', sites: 'y.example' }, 'EXECUTED', 2000);
                  add('c', 'lock', {}, 'EXECUTED', 1000);
                  add('c', 'unlock', {}, 'REFUSED', 2000);
                  add('d', 'lock', {}, 'UNAVAILABLE', 1000);
                  add('e', 'lock', { seconds: '1' }, 'EXECUTED', now - 5000);
                  add('e', 'blackout', {}, 'EXECUTED', now - 5000);
                  add('f', 'send-file', { name: 'a.txt' }, null, 0, true);
                  add('f', 'send-file', { name: 'old.txt' }, null, 0, true, now - 1000);
                  add('g', 'unlock', {}, 'EXECUTED', 2000);
                  add('g', 'lock', {}, 'EXECUTED', 1000);
                  add('g', 'blackout', { seconds: '600' }, 'EXECUTED', now - 1000);
                  var out = {};
                  ['a', 'b', 'c', 'd', 'e', 'f', 'g'].forEach(function (p) { out[p] = C.stateOf(p); });
                  ids.forEach(function (id) { S.commands.delete(id); });
                  done(out);
                }, function (e) { done({ error: { message: String(e) } }); });
                """);
        assertThat(out).doesNotContainKey("error");
        assertThat(out.get("a")).as("web limits, then lifted").containsEntry("web-limits", false);
        assertThat(out.get("b")).as("lifted, then web limits").containsEntry("web-limits", true);
        assertThat(out.get("c")).as("locked; the unlock was refused").containsEntry("locked", true);
        assertThat(out.get("d")).as("a lock not possible there").containsEntry("locked", false);
        assertThat(out.get("e")).as("a 1 s lock 5 s ago; a blackout until ended")
                .containsEntry("locked", false).containsEntry("blacked-out", true);
        assertThat(((Number) out.get("f").get("files")).intValue()).as("one file waiting, one expired").isEqualTo(1);
        assertThat(out.get("g")).as("unlocked after the lock, whatever order the receipts came in; a 600 s blackout")
                .containsEntry("locked", false).containsEntry("blacked-out", true).containsEntry("web-limits", false);
    }
    @Test
    @Order(5)
    void powerAsksToConfirmNamingTheComputersAndRestartReachesOnlyTheSelectedOne() throws Exception {
        openSignedIn();
        Peer chosen = room.students.get(1);
        driver.findElement(By.id("select-none")).click();
        card(chosen).findElement(By.cssSelector("input.select")).click();
        driver.findElement(By.id("target-peers")).click();
        String name = card(chosen).findElement(By.cssSelector(".name")).getText();

        // Shut down, then Cancel: nothing is sent
        waitFor(15).until(ExpectedConditions.elementToBeClickable(By.id("power-shutdown"))).click();
        WebElement confirm = waitFor(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("power-confirm")));
        assertThat(confirm.getText()).contains("Shut down 1 selected computer(s)").contains(name);
        assertThat(driver.findElement(By.id("power-reboot")).isEnabled()).as("no second power action meanwhile").isFalse();
        int results = driver.findElements(By.cssSelector("#results article.result")).size();
        driver.findElement(By.id("power-confirm-no")).click();
        assertThat(confirm.isDisplayed()).isFalse();

        // Restart, confirmed: the selected computer's receipt EXECUTED, then its reboot ran; no other's
        driver.findElement(By.id("power-reboot")).click();
        waitFor(5).until(ExpectedConditions.visibilityOf(confirm));
        assertThat(driver.findElement(By.id("power-confirm-yes")).getText()).isEqualTo("Restart 1 computer(s)");
        browser.screenshot("groups-04-power-confirm", true);
        driver.findElement(By.id("power-confirm-yes")).click();
        WebElement result = waitFor(60).until(d -> d.findElements(By.cssSelector("#results article.result")).stream()
                .filter(a -> a.findElements(By.cssSelector("tr.result-row[data-status=EXECUTED]")).size() == 1)
                .filter(a -> a.getText().contains("power")).findFirst().orElse(null));
        assertThat(result.findElement(By.cssSelector("tr.result-row")).getAttribute("data-peer-id")).isEqualTo(chosen.nodeId());
        assertThat(driver.findElements(By.cssSelector("#results article.result"))).as("one result: the cancelled one sent nothing")
                .hasSize(results + 1);
        // the default delay is 10 s after the receipt reached the teacher
        waitFor(60).until(d -> java.nio.file.Files.exists(powerLog(1)));
        assertThat(java.nio.file.Files.readString(powerLog(1))).isEqualTo("reboot\n");
        assertThat(powerLog(0)).doesNotExist();
        assertThat(powerLog(2)).doesNotExist();
    }

    /**
     * What a student's status says of its desktop shows on its card within a room round (issue
     * 17): its session agent killed and back, its blackout interrupted, a computer without a
     * graphical session; a computer whose desktop is well shows no such line.
     */
    @Test
    @Order(6)
    void aCardSaysWhenTheStudentsAgentWasRestartedOrItHasNoGraphicalSession() {
        openSignedIn();
        Peer first = room.students.get(0);
        Peer second = room.students.get(1);
        Peer third = room.students.get(2);
        room.desktops.get(0).health(new org.classchain.DesktopHealth(true, 1, 1, Instant.now(), 2, ""));
        room.desktops.get(1).health(new org.classchain.DesktopHealth(false, 0, 0, null, 0,
                "no graphical session: no session agent is connected, so no display"));
        waitFor(15).until(d -> card(first).findElement(By.cssSelector(".desktop")).getText()
                .matches("agent restarted 1 time \\(.+\\) · blackout interrupted 2 times, restored"));
        waitFor(15).until(d -> card(second).findElement(By.cssSelector(".desktop")).getText()
                .startsWith("no graphical session"));
        assertThat(card(third).findElement(By.cssSelector(".desktop")).isDisplayed()).as("all is well there").isFalse();
        room.desktops.get(0).health(null);
        room.desktops.get(1).health(null);
    }
}
