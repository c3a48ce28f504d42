package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.classchain.mods.host.JdkProcesses;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.ProcessService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** close-apps against the real process table: a renamed {@code sleep} is the victim. */
@Timeout(30)
class CloseAppsRealProcessTest {
    /**
     * The victim's name, this run's own: close-apps looks at the whole real process table, and
     * another build on this machine (same user) may be running this test at the same time. With
     * one fixed name each run closed the other's victim too ("closed ... (pids 16919, 17914)").
     */
    private final String victimName = "classchain-test-victim-" + Long.toHexString(new java.security.SecureRandom().nextLong());

    private Process victim;
    private Process bystander;

    @AfterEach
    void cleanUp() {
        if (victim != null) {
            victim.destroyForcibly();
        }
        if (bystander != null) {
            bystander.destroyForcibly();
        }
    }

    private static Path sleep() {
        Path sleep = Path.of("/bin/sleep");
        assumeTrue(Files.isExecutable(sleep), "needs /bin/sleep (a Unix)");
        return sleep;
    }

    private Process start(Path program) throws IOException {
        return new ProcessBuilder(program.toString(), "300").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void endsTheNamedProgramAndLeavesTheOthersAlone(@TempDir Path dir) throws Exception {
        Path renamed = Files.copy(sleep(), dir.resolve(victimName), StandardCopyOption.COPY_ATTRIBUTES);
        renamed.toFile().setExecutable(true);
        victim = start(renamed);
        bystander = start(sleep());
        awaitListed(victim.pid());

        Outcome o = new CloseAppsModule().execute(new TestContext(),
                TestContext.command("close-apps", Map.of("names", victimName, "grace", "5")));

        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).isEqualTo("closed " + victimName + " (pid " + victim.pid() + ")");
        assertThat(victim.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(victim.exitValue()).as("ended by SIGTERM, not SIGKILL").isEqualTo(128 + 15);
        assertThat(bystander.isAlive()).isTrue();
    }

    @Test
    void theRealProcessTableListsOurChildrenByExecutableNameAndNeverThisJvm() throws Exception {
        bystander = start(sleep());
        awaitListed(bystander.pid());
        JdkProcesses processes = new JdkProcesses();
        assertThat(processes.processes()).contains(new ProcessService.RunningProcess(bystander.pid(), "sleep"));
        assertThat(processes.processes()).noneMatch(p -> p.pid() == ProcessHandle.current().pid());
        assertThat(processes.end(ProcessHandle.current().pid())).isFalse();
        assertThat(processes.kill(bystander.pid())).isTrue();
        assertThat(bystander.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(processes.isAlive(bystander.pid())).isFalse();
        assertThat(processes.end(bystander.pid())).isFalse();
    }

    @Test
    void aCopiedAndRenamedProgramIsClosedByWhatItIsNotByItsName(@TempDir Path dir) throws Exception {
        // an "installed browser" of unique content (sleep with 16 random bytes after it, still runnable),
        // and the student's copy of it under another name
        Path installed = Files.copy(sleep(), dir.resolve("fakebrowser"), StandardCopyOption.COPY_ATTRIBUTES);
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        Files.write(installed, salt, java.nio.file.StandardOpenOption.APPEND);
        Path copy = Files.copy(installed, Files.createDirectories(dir.resolve("notes-app")).resolve("notes"),
                StandardCopyOption.COPY_ATTRIBUTES);
        copy.toFile().setExecutable(true);
        String digest = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(installed)));
        JdkProcesses real = new JdkProcesses();
        // the real table, as far as this test's processes; fakebrowser "installed" in dir
        ProcessService processes = new Scoped(real, pid -> pid == victim.pid() || pid == bystander.pid(),
                name -> name.equals("fakebrowser") ? java.util.Set.of(digest) : java.util.Set.of());
        victim = start(copy);
        bystander = start(sleep());
        awaitListed(victim.pid());
        assertThat(real.executableDigest(victim.pid())).contains(digest);

        Outcome o = new CloseAppsModule().execute(new TestContext().with(ProcessService.class, processes),
                TestContext.command("close-apps", Map.of("names", "fakebrowser", "grace", "5")));

        // before (names only): "nothing to close: no program of this user named fakebrowser"
        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).isEqualTo("closed notes (pid " + victim.pid() + ")");
        assertThat(victim.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(bystander.isAlive()).as("sleep itself is another program").isTrue();
    }

    /**
     * The student's browser: the real Chromium's program copied as {@code notes-app/notes} (its
     * resources linked beside it, as it needs them), with 16 bytes appended so that its SHA-256 is
     * no installed program's, run headless. close-apps with its default names closes it and its
     * helpers (zygotes, renderers) by the build id the copy kept.
     */
    @Test
    @Timeout(120)
    void aRealChromiumCopiedRenamedAndAlteredIsClosedWithItsHelpers(@TempDir Path dir) throws Exception {
        Path notes = chromiumCopy(dir);
        JdkProcesses real = new JdkProcesses();
        victim = new ProcessBuilder(notes.toString(), "--headless", "--no-sandbox", "--no-first-run",
                "--user-data-dir=" + dir.resolve("profile"), "about:blank").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        awaitListed(victim.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (victim.children().findAny().isEmpty()) {
            assertThat(System.nanoTime() - deadline).as("Chromium started no helper").isNegative();
            Thread.sleep(50);
        }
        List<Long> browser = victim.descendants().map(ProcessHandle::pid).toList();
        assertThat(real.installedDigests("chromium")).as("altered: no installed program's content")
                .isNotEmpty().doesNotContain(real.executableDigest(victim.pid()).orElseThrow());

        // before (content only): "nothing to close: no program of this user named chromium"
        assertThat(closeTheVictimAs(real, "chromium")).startsWith("closed notes (pids ");
        for (long helper : browser) {
            assertThat(real.isAlive(helper)).as("helper %d", helper).isFalse();
        }
    }

    /**
     * A program known by its windows: the copied Chromium run on the display with windows of class
     * {@code firefox} ({@code --class}, as Firefox's say under any file name); no Firefox is
     * installed here, so neither its name nor its content says firefox. close-apps names=firefox
     * closes it by its window's {@code WM_CLASS} and {@code _NET_WM_PID}.
     */
    @Test
    @Timeout(120)
    void aProgramWhoseWindowsSayFirefoxIsClosedAsFirefox(@TempDir Path dir) throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "needs an X display (xvfb-run) for the windows");
        Path notes = chromiumCopy(dir);
        JdkProcesses real = new JdkProcesses();
        assumeTrue(real.installedIdentities("firefox").isEmpty(), "Firefox is installed: this test needs it absent");
        victim = new ProcessBuilder(notes.toString(), "--no-sandbox", "--no-first-run", "--class=firefox",
                "--user-data-dir=" + dir.resolve("profile"), "about:blank").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!real.windowOwners(java.util.Set.of("firefox")).contains(victim.pid())) {
            assertThat(System.nanoTime() - deadline).as("no window of class firefox from pid %d", victim.pid()).isNegative();
            Thread.sleep(100);
        }

        // before (name and content only): "nothing to close: no program of this user named firefox"
        assertThat(closeTheVictimAs(real, "firefox")).startsWith("closed notes (pid");
    }

    /**
     * close-apps {@code names=name} on the real process table, seen only as far as the victim and
     * what it started: other browsers on this machine (other tests' Chromium, run by the same user)
     * are not this test's to close. Checks it succeeded and the victim ended; its detail.
     */
    private String closeTheVictimAs(JdkProcesses real, String name) throws Exception {
        Outcome o = new CloseAppsModule().execute(new TestContext().with(ProcessService.class, new Scoped(real,
                        pid -> pid == victim.pid() || victim.descendants().anyMatch(h -> h.pid() == pid),
                        real::installedIdentities)),
                TestContext.command("close-apps", Map.of("names", name, "grace", "5")));
        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).contains(Long.toString(victim.pid()));
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return o.detail();
    }

    /**
     * The real Chromium's program copied as {@code dir/notes-app/notes}, its resources linked beside
     * it, with 16 random bytes appended (no installed program's SHA-256). Skips without Debian's Chromium.
     */
    private static Path chromiumCopy(Path dir) throws IOException {
        Path lib = Path.of("/usr/lib/chromium");
        assumeTrue(Files.isExecutable(lib.resolve("chromium")) && Files.isExecutable(Path.of("/usr/bin/chromium")),
                "needs Debian's Chromium (/usr/bin/chromium, /usr/lib/chromium)");
        Path app = Files.createDirectories(dir.resolve("notes-app"));
        try (var files = Files.list(lib)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("chromium")) {
                    Files.createSymbolicLink(app.resolve(f.getFileName()), f);
                }
            }
        }
        Path notes = Files.copy(lib.resolve("chromium"), app.resolve("notes"), StandardCopyOption.COPY_ATTRIBUTES);
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        Files.write(notes, salt, java.nio.file.StandardOpenOption.APPEND);
        return notes;
    }

    @Test
    void aZombieIsNotAlive() throws Exception {
        // a shell starts a child, then becomes a sleep that never reaps it; the child killed is a zombie
        victim = new ProcessBuilder("/bin/sh", "-c", "/bin/sleep 300 & echo $!; exec /bin/sleep 300")
                .redirectErrorStream(true).start();
        long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(victim.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8)).readLine().strip());
        JdkProcesses processes = new JdkProcesses();
        // kill only once the shell has become the sleep that never reaps: a shell still running may reap it
        long execDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!victim.info().command().orElse("").endsWith("sleep")) {
            assertThat(System.nanoTime() - execDeadline).as("the shell %d never became sleep", victim.pid()).isNegative();
            Thread.sleep(10);
        }
        assertThat(processes.kill(child)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (processes.isAlive(child)) {
            assertThat(System.nanoTime() - deadline).as("the killed child %d still counts as alive", child).isNegative();
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive))
                .as("the JDK alone (before): a zombie is alive, so close-apps waited 9.9 s and said FAILED")
                .contains(true);
    }

    /**
     * The real process table, limited to the processes {@code mine} accepts (other tests' browsers
     * on this machine are not this test's to close), with {@code installed} as the programs
     * installed under a name; the rest is the real one's.
     */
    private record Scoped(JdkProcesses real, java.util.function.LongPredicate mine,
                          java.util.function.Function<String, java.util.Set<String>> installed) implements ProcessService {
        @Override
        public List<RunningProcess> processes() {
            return real.processes().stream().filter(p -> mine.test(p.pid())).toList();
        }

        @Override
        public boolean end(long pid) {
            return mine.test(pid) && real.end(pid);
        }

        @Override
        public boolean kill(long pid) {
            return mine.test(pid) && real.kill(pid);
        }

        @Override
        public boolean isAlive(long pid) {
            return real.isAlive(pid);
        }

        @Override
        public java.util.Set<String> executableIdentities(long pid) {
            return real.executableIdentities(pid);
        }

        @Override
        public java.util.Set<String> installedIdentities(String name) {
            return installed.apply(name);
        }

        @Override
        public java.util.Optional<Long> parentOf(long pid) {
            return real.parentOf(pid);
        }

        @Override
        public java.util.Set<Long> windowOwners(java.util.Set<String> classes) {
            return real.windowOwners(classes);
        }
    }

    /** The child shows up with its executable name once exec has happened. */
    private static void awaitListed(long pid) throws InterruptedException {
        JdkProcesses processes = new JdkProcesses();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (processes.processes().stream().noneMatch(p -> p.pid() == pid && !p.command().startsWith("java"))) {
            assertThat(System.nanoTime() - deadline).as("process %d never listed", pid).isNegative();
            Thread.sleep(20);
        }
    }
}
