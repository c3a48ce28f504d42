package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 20, items 1 to 8, with the real launcher as separate processes: what a newcomer types
 * wrong is refused at once, saying what was wrong, and nothing is left behind.
 */
class NewcomerIT extends LauncherProcesses {

    /** A teacher's peer, its password in {@code pw.txt}. */
    private PeerProcesses.Running teacher(Path pw) throws Exception {
        return processes.teacher(pw);
    }

    /** Items 1, 5, 7 (durations) and 8: a typo'd module, a missing password file, a long TTL, a file. */
    @Test
    @Timeout(240)
    void aTypoIsRefusedBeforeAnythingIsMinedAndAFileGoesWithSendFile() throws Exception {
        processes = new PeerProcesses(tmp);
        Path pw = tmp.resolve("pw.txt");
        PeerProcesses.Running teacher = teacher(pw);
        Path inbox = tmp.resolve("alice-inbox");
        PeerProcesses.Running alice = processes.peer("alice", Duration.ofSeconds(60), "--seed", teacher.url(),
                "--inbox", inbox.toString(), "--deny", "mesage,close-apps");
        // item 1: --deny with a name no module has is warned of
        assertThat(Files.readString(processes.log("alice"))).contains("mesage").contains("no module installed here");
        String[] signIn = {"send", "--peer", alice.url(), "--user", "teacher", "--password-file", pw.toString()};

        long before = PeerProcesses.status(teacher.url()).height();
        PeerProcesses.Result typo = processes.run(Duration.ofSeconds(90), concat(signIn, "mesage", "--arg", "text=x"));
        assertThat(typo.exit()).as(typo.output()).isEqualTo(2);
        assertThat(typo.output()).contains("unknown module 'mesage'; installed: ").contains("message")
                .contains("blackout").contains("--force").doesNotContain("accepted");

        // --force sends it anyway (a module only computers that are not in the room yet have): mined
        PeerProcesses.Result forced = processes.run(Duration.ofSeconds(90),
                concat(signIn, "mesage", "--arg", "text=x", "--force", "--wait", "--ttl", "20s"));
        assertThat(forced.exit()).as(forced.output()).isEqualTo(3);
        assertThat(forced.output()).contains("accepted: mesage").containsPattern(alice.nodeId() + "\\s+UNKNOWN_MODULE");
        assertThat(PeerProcesses.status(teacher.url()).height()).as("only the forced command was mined").isEqualTo(before + 1);

        // item 7: a TTL over the limit is said in days, not as PT720H
        PeerProcesses.Result ttl = processes.run(Duration.ofSeconds(60), concat(signIn, "message", "--arg", "text=x",
                "--ttl", "30d"));
        assertThat(ttl.exit()).isNotZero();
        assertThat(ttl.output()).contains("7 days").contains("30 days").doesNotContain("PT");

        // item 5: a password file that cannot be read says why
        PeerProcesses.Result noFile = processes.run(Duration.ofSeconds(60), "send", "--peer", alice.url(), "--user",
                "teacher", "--password-file", "/nonexistent/pw.txt", "message", "--arg", "text=x");
        assertThat(noFile.exit()).isEqualTo(1);
        assertThat(noFile.output()).contains("cannot read the password file /nonexistent/pw.txt")
                .contains("no such file");

        // item 8: send-file --file PATH: the file lands in the student's inbox as it was
        byte[] bytes = new byte[5000];
        new Random(20).nextBytes(bytes);
        Path notes = tmp.resolve("notes.bin");
        Files.write(notes, bytes);
        PeerProcesses.Result sent = processes.run(Duration.ofSeconds(90), concat(signIn, "send-file", "--file",
                notes.toString(), "--wait"));
        assertThat(sent.exit()).as(sent.output()).isZero();
        assertThat(sent.output()).containsPattern(alice.nodeId() + "\\s+EXECUTED");
        assertThat(inbox.resolve("notes.bin")).hasBinaryContent(bytes);
        PeerProcesses.Result wrongModule = processes.run(Duration.ofSeconds(60), concat(signIn, "message", "--file",
                notes.toString()));
        assertThat(wrongModule.exit()).isNotZero();
        assertThat(wrongModule.output()).contains("--file goes with send-file");
    }

    /** Item 2: a seed that cannot be a peer's URL is refused at once, saying what is wrong, with an example. */
    @Test
    @Timeout(180)
    void badSeedsAreRefusedAtOnce() throws Exception {
        processes = new PeerProcesses(tmp);
        List<String> seeds = List.of("https://127.0.0.1:9", "127.0.0.1:8080", "htp:/bad url");
        List<Process> started = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < seeds.size(); i++) {
            started.add(processes.launch("seed" + i, "--seed", seeds.get(i)));
        }
        for (Process p : started) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(seconds).as("refused at once, not after the 60 s join timeout").isLessThan(30);
        String[] expected = {"https needs the classroom keystore", "has no scheme", "is not a peer's URL"};
        for (int i = 0; i < seeds.size(); i++) {
            String log = Files.readString(processes.log("seed" + i));
            assertThat(started.get(i).exitValue()).as(log).isNotZero();
            assertThat(log).contains(seeds.get(i)).contains(expected[i]).contains("e.g. --seed http")
                    .doesNotContain("start the teacher's peer first").doesNotContain("does not answer yet");
            assertThat(processes.dataDir("seed" + i)).doesNotExist();
        }
        assertThat(Files.readString(processes.log("seed0"))).contains("--tls-keystore");
    }

    /** Items 4 and 7: a taken port is named, a failed start or join leaves no data dir, a locked one no "null". */
    @Test
    @Timeout(180)
    void aTakenPortIsNamedAndAFailedStartLeavesNoDataDir() throws Exception {
        processes = new PeerProcesses(tmp);
        Path pw = tmp.resolve("pw.txt");
        PeerProcesses.Running teacher = teacher(pw);
        String port = teacher.url().substring(teacher.url().lastIndexOf(':') + 1);

        Path fresh = tmp.resolve("fresh");
        PeerProcesses.Result taken = processes.run(Duration.ofSeconds(60), "peer", "--host", "127.0.0.1", "--port", port,
                "--data-dir", fresh.toString(), "--user", "teacher", "--password-file", pw.toString());
        assertThat(taken.exit()).isEqualTo(1);
        assertThat(taken.output()).contains("127.0.0.1:" + port).contains("already in use").contains("--port");
        assertThat(fresh).as("a failed first start removes the data dir it created").doesNotExist();

        // a data dir that existed before is kept, with what it held
        Path existing = tmp.resolve("existing");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("peer.properties"), "deny=close-apps\n");
        PeerProcesses.Result takenAgain = processes.run(Duration.ofSeconds(60), "peer", "--host", "127.0.0.1", "--port",
                port, "--data-dir", existing.toString(), "--user", "teacher", "--password-file", pw.toString());
        assertThat(takenAgain.exit()).isEqualTo(1);
        try (Stream<Path> left = Files.list(existing)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("peer.properties");
        }

        // a failed join: the seed does not answer within the join timeout, said in seconds
        Process join = processes.launch("joiner", "--seed", "http://127.0.0.1:9", "--join-timeout", "2s");
        assertThat(join.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String joinLog = Files.readString(processes.log("joiner"));
        assertThat(join.exitValue()).as(joinLog).isNotZero();
        assertThat(joinLog).contains("within 2 s").contains("try 1; retrying").doesNotContain("PT2S")
                .doesNotContain(" , ");
        assertThat(processes.dataDir("joiner")).doesNotExist();

        // the teacher's data dir, locked by the running teacher
        PeerProcesses.Result locked = processes.run(Duration.ofSeconds(60), "peer", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", processes.dataDir("teacher").toString(), "--user", "teacher", "--password-file",
                pw.toString());
        assertThat(locked.exit()).isEqualTo(1);
        assertThat(locked.output()).contains("in use by another peer").doesNotContain("peer null");
        assertThat(processes.dataDir("teacher").resolve("node.key")).exists();
    }

    /** Item 7: the demo removes its temporary folder when it ends, unless {@code --keep}. */
    @Test
    @Timeout(180)
    void theDemoRemovesItsFolderUnlessKept() throws Exception {
        processes = new PeerProcesses(tmp);
        Path tmpDir = tmp.resolve("java-tmp");
        Files.createDirectories(tmpDir);
        List<String> jvm = List.of("-Djava.io.tmpdir=" + tmpDir);
        PeerProcesses.Result once = processes.run(jvm, Duration.ofSeconds(120), "demo", "--once", "--students", "1");
        assertThat(once.exit()).as(once.output()).isZero();
        try (Stream<Path> left = Files.list(tmpDir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("classchain-demo-"))).isEmpty();
        }
        PeerProcesses.Result kept = processes.run(jvm, Duration.ofSeconds(120), "demo", "--once", "--students", "1",
                "--keep");
        assertThat(kept.exit()).as(kept.output()).isZero();
        try (Stream<Path> left = Files.list(tmpDir)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("classchain-demo-"))).hasSize(1);
        }
    }

    private static String[] concat(String[] head, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
