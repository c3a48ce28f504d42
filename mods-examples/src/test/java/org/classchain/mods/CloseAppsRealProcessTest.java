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
    private static final String VICTIM = "classchain-test-victim";

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
        Path renamed = Files.copy(sleep(), dir.resolve(VICTIM), StandardCopyOption.COPY_ATTRIBUTES);
        renamed.toFile().setExecutable(true);
        victim = start(renamed);
        bystander = start(sleep());
        awaitListed(victim.pid());

        Outcome o = new CloseAppsModule().execute(new TestContext(),
                TestContext.command("close-apps", Map.of("names", VICTIM, "grace", "5")));

        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).isEqualTo("closed " + VICTIM + " (pid " + victim.pid() + ")");
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
        ProcessService processes = new ProcessService() { // the real table; fakebrowser "installed" in dir
            @Override
            public List<RunningProcess> processes() {
                return real.processes();
            }

            @Override
            public boolean end(long pid) {
                return real.end(pid);
            }

            @Override
            public boolean kill(long pid) {
                return real.kill(pid);
            }

            @Override
            public boolean isAlive(long pid) {
                return real.isAlive(pid);
            }

            @Override
            public java.util.Optional<String> executableDigest(long pid) {
                return real.executableDigest(pid);
            }

            @Override
            public java.util.Set<String> installedDigests(String name) {
                return name.equals("fakebrowser") ? java.util.Set.of(digest) : java.util.Set.of();
            }
        };
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
