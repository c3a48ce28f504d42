package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.peer.Peer;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: a stored chain re-validated offline, its history printed, tampering pinpointed. */
class VerifyCommandTest {

    @TempDir
    Path tmp;
    Path teacherDir;
    Command second;

    private static String[] run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ClassChainCli.run(args);
        } finally {
            System.setOut(old);
        }
        return new String[] {Integer.toString(code), buf.toString(StandardCharsets.UTF_8)};
    }

    @BeforeEach
    @Timeout(60)
    void aChainWithCommandsAndReceipts() throws Exception {
        teacherDir = tmp.resolve("teacher");
        try (InMemoryNetwork net = new InMemoryNetwork(2, 2);
             Peer teacher = Peer.builder().dataDir(teacherDir).transport(net.newTransport()).account("teacher", "pw")
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).difficultyBits(6).tick(Duration.ofMillis(100)).build();
             Peer student = Peer.builder().dataDir(tmp.resolve("student")).transport(net.newTransport())
                     .seed("mem://1").tick(Duration.ofMillis(100)).build()) {
            teacher.start();
            student.start();
            Transport ct = net.newTransport();
            ct.start((f, m) -> java.util.concurrent.CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
            assertThat(c.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            for (String text : List.of("first", "second", "third")) {
                Command cmd = Command.create("message", Target.all(), Map.of("text", text), Instant.now(), Duration.ofMinutes(5));
                assertThat(c.submit(teacher.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (teacher.report(cmd.id()).receipts().isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                if (text.equals("second")) {
                    second = cmd;
                }
            }
            ct.close();
        }
    }

    @Test
    void anIntactDataDirVerifiesAndShowsTheHistory() {
        String[] r = run("verify", "--data-dir", teacherDir.toString());
        assertThat(r[0]).as(r[1]).isEqualTo("0");
        assertThat(r[1]).contains("teacher 'teacher'").contains("message " + second.id()).contains("{text=second}")
                .containsPattern("EXECUTED|UNAVAILABLE").contains("OK: 4 blocks").contains("3 receipts held");
    }

    @Test
    void anEditThatKeepsTheChecksumIsCaughtAtItsBlock() throws Exception {
        Path file = teacherDir.resolve("blocks.log");
        byte[] bytes = Files.readAllBytes(file);
        // walk the records [len u32][crc32c u32][payload] to the third one (block #2)
        int at = 0;
        for (int i = 0; i < 2; i++) {
            at += 8 + ByteBuffer.wrap(bytes, at, 4).getInt();
        }
        int len = ByteBuffer.wrap(bytes, at, 4).getInt();
        String payload = new String(bytes, at + 8, len, StandardCharsets.ISO_8859_1);
        int where = payload.indexOf("second");
        assertThat(where).isPositive();
        bytes[at + 8 + where] = 'S';
        CRC32C crc = new CRC32C();
        crc.update(bytes, at + 8, len);
        ByteBuffer.wrap(bytes, at + 4, 4).putInt((int) crc.getValue());
        Files.write(file, bytes);

        String[] r = run("verify", "--data-dir", teacherDir.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).startsWith("INVALID: stored block 2 (#2 ").contains("PAYLOAD_HASH");
    }

    @Test
    void aNaiveEditIsReportedAsDamageAtItsRecord() throws Exception {
        Path file = teacherDir.resolve("blocks.log");
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        bytes[text.indexOf("third")] = 'T';
        Files.write(file, bytes);
        String[] r = run("verify", "--data-dir", teacherDir.toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("DAMAGED: record 3 at offset").contains("CRC mismatch");
        assertThat(Files.readAllBytes(file)).as("verify changes nothing").isEqualTo(bytes);
    }
}
