package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 23, property 6, with the real launcher: {@code classchain peer --chain ID} (or {@code chain=}
 * in {@code peer.properties}) refuses a seed of another class at once, naming both chains, with a
 * non-zero exit and no data dir left; a {@code --user} student whose seed hosts no chain waits for
 * the teacher's chain and never becomes the TEACHER of one of its own.
 */
class JoiningTheRightClassIT extends LauncherProcesses {

    @Test
    @Timeout(180)
    void aPinnedStudentRefusesASeedOfAnotherClass() throws Exception {
        processes = new PeerProcesses(tmp);
        Path pw = tmp.resolve("pw.txt");
        Files.writeString(pw, "a teacher's secret\n");
        PeerProcesses.Running classA = processes.peer("a", Duration.ofSeconds(60), "--user", "teacher",
                "--password-file", pw.toString());
        PeerProcesses.Running classB = processes.peer("b", Duration.ofSeconds(60), "--user", "other",
                "--password-file", pw.toString());
        String a = PeerProcesses.status(classA.url()).chainId();
        String b = PeerProcesses.status(classB.url()).chainId();

        // --chain on the command line
        Process pinned = processes.launch("pinned", "--seed", classB.url(), "--chain", a, "--join-timeout", "60s");
        assertThat(pinned.waitFor(30, TimeUnit.SECONDS)).as("refused at once, not after the join timeout").isTrue();
        String log = Files.readString(processes.log("pinned"));
        assertThat(pinned.exitValue()).as(log).isNotZero();
        assertThat(log).contains(a).contains(b).contains("not the expected chain");
        assertThat(processes.dataDir("pinned")).doesNotExist();

        // chain= in the data dir's peer.properties: the same, and the settings file stays as it was
        Path dir = processes.dataDir("configured");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("peer.properties"), "chain=" + a + "\n");
        Process configured = processes.launch("configured", "--seed", classB.url(), "--join-timeout", "60s");
        assertThat(configured.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String log2 = Files.readString(processes.log("configured"));
        assertThat(configured.exitValue()).as(log2).isNotZero();
        assertThat(log2).contains(a).contains(b);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("peer.properties");
        }

        // pinned to its own class, a student joins it
        PeerProcesses.Running good = processes.peer("good", Duration.ofSeconds(60), "--seed", classA.url(), "--chain", a);
        assertThat(PeerProcesses.status(good.url()).chainId()).isEqualTo(a);
    }

    @Test
    @Timeout(180)
    void aStudentWhoseSeedHostsNoChainWaitsForTheTeachersChain() throws Exception {
        processes = new PeerProcesses(tmp);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // a fresh peer with no chain: it waits for a seed that does not answer, and answers handshakes
        Process fresh = processes.java("peer", "--host", "127.0.0.1", "--port", String.valueOf(port), "--difficulty", "10",
                "--data-dir", tmp.resolve("fresh").toString(), "--seed", "http://127.0.0.1:9",
                "--join-timeout", "120s").redirectErrorStream(true)
                .redirectOutput(tmp.resolve("fresh.log").toFile()).start();
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(tmp.resolve("fresh.log")).contains("serving /api")) {
                assertThat(System.nanoTime()).as("the fresh peer serves").isLessThan(end);
                assertThat(fresh.isAlive()).isTrue();
                Thread.sleep(50);
            }
            Path pw = tmp.resolve("pw.txt");
            Files.writeString(pw, "mallory's password\n");
            Process mallory = processes.launch("mallory", "--seed", "http://127.0.0.1:" + port, "--user", "mallory",
                    "--password-file", pw.toString(), "--join-timeout", "5s");
            assertThat(mallory.waitFor(60, TimeUnit.SECONDS)).as("mallory gave up instead of starting a chain: "
                    + PeerProcesses.tail(processes.log("mallory"), 20)).isTrue();
            String log = Files.readString(processes.log("mallory"));
            assertThat(mallory.exitValue()).as(log).isNotZero();
            assertThat(log).contains("waiting for the teacher's chain").doesNotContain("as TEACHER");
            assertThat(Files.readString(tmp.resolve("mallory.out"))).doesNotContain("TEACHER");
        } finally {
            fresh.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
