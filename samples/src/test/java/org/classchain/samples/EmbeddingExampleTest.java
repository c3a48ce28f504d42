package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.classchain.Command;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExampleTest {

    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    void theReadmeExampleJoinsAClassroomAndRunsItsCommands() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/main/java/org/classchain/samples/EmbeddingExample.java"));
        String snippet = source.substring(source.indexOf("// README:embed:start") + 21, source.indexOf("// README:embed:end"));
        for (String line : snippet.strip().lines().map(String::strip).toList()) {
            assertThat(readme).as("README shows the example line").contains(line);
        }
        for (String line : source.lines().filter(l -> l.startsWith("import ")).toList()) {
            assertThat(readme).as("README shows the example's imports").contains(line);
        }
        try (Peer teacher = Peer.builder().dataDir(tmp.resolve("t")).account("teacher", "pw-for-test")
                .transport(JettyTransport.builder().host("127.0.0.1").port(0).build()).difficultyBits(10).build()) {
            teacher.start();
            try (Peer student = EmbeddingExample.joinClassroom(teacher.address(), tmp.resolve("s"));
                 JettyTransport client = JettyTransport.builder().build()) {
                assertThat(student.role()).isEqualTo(Role.STUDENT);
                assertThat(student.chain().chainId()).isEqualTo(teacher.chain().chainId());
                TeacherClient tc = new TeacherClient(client, new SecureRandom(), Duration.ofSeconds(10));
                assertThat(tc.signIn(student.address(), "teacher", "pw-for-test")).isInstanceOf(Message.AuthConfirmed.class);
                Command c = Command.create("message", Target.all(), Map.of("text", "hello"), Instant.now(), Duration.ofMinutes(1));
                assertThat(tc.submit(student.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (teacher.report(c.id()).receipts().isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(teacher.report(c.id()).receipts()).singleElement()
                        .satisfies(r -> assertThat(r.peerId()).isEqualTo(student.nodeId()));
            }
        }
    }
}
