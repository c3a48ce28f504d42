package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
